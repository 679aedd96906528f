using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;
using OmsSync.Engine.MySql.Binlog.Rows;
using OmsSync.Engine.MySql.Values;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class RowValueTests
{
    private static RowColumn Column(ColumnType type, ushort metadata = 0, bool unsigned = false, string? charset = null,
        IReadOnlyList<string>? enumValues = null, IReadOnlyList<string>? setValues = null, int? pad = null) => new()
    {
        Index = 0, Name = "c", Type = type, Metadata = metadata, Unsigned = unsigned, Charset = charset,
        EnumValues = enumValues, SetValues = setValues, BinaryPadLength = pad,
    };

    private static object? Read(byte[] bytes, RowColumn column)
    {
        var reader = new PacketReader(bytes);
        var value = RowImageDecoder.ReadValue(ref reader, column);
        Assert.True(reader.IsEmpty, $"{reader.Remaining} bytes left over");
        return value;
    }

    [Theory]
    [InlineData((byte)ColumnType.Tiny, new byte[] { 0x80 }, false, -128L)]
    [InlineData((byte)ColumnType.Tiny, new byte[] { 0xFF }, true, 255UL)]
    [InlineData((byte)ColumnType.Short, new byte[] { 0x00, 0x80 }, false, -32768L)]
    [InlineData((byte)ColumnType.Int24, new byte[] { 0xFF, 0xFF, 0xFF }, false, -1L)]
    [InlineData((byte)ColumnType.Int24, new byte[] { 0xFF, 0xFF, 0xFF }, true, 16777215UL)]
    [InlineData((byte)ColumnType.Long, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }, false, 2147483647L)]
    [InlineData((byte)ColumnType.Long, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, true, 4294967295UL)]
    [InlineData((byte)ColumnType.LongLong, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0x80 }, false, long.MinValue)]
    [InlineData((byte)ColumnType.LongLong, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, true, ulong.MaxValue)]
    public void IntegersKeepSignAndFullUnsignedRange(byte type, byte[] bytes, bool unsigned, object expected)
    {
        Assert.Equal(expected, Read(bytes, Column((ColumnType)type, unsigned: unsigned)));
    }

    [Fact]
    public void FloatingPointIsBitExact()
    {
        Assert.Equal(float.MaxValue, Read(BitConverter.GetBytes(float.MaxValue), Column(ColumnType.Float, 4)));
        Assert.Equal(-2.5e-300, Read(BitConverter.GetBytes(-2.5e-300), Column(ColumnType.Double, 8)));
    }

    [Theory]
    [InlineData(14, 4, "810DFB38D204D2", "1234567890.1234")]   // the server documentation's example
    [InlineData(14, 4, "7EF204C72DFB2D", "-1234567890.1234")]
    [InlineData(5, 5, "80270F", "0.09999")]
    [InlineData(10, 2, "7FFFFFFFFE", "-0.01")]
    [InlineData(4, 0, "8000", "0")]
    [InlineData(18, 0, "8000000000000001", "1")]
    public void DecimalsAreExactText(int precision, int scale, string hex, string expected)
    {
        var value = Assert.IsType<MySqlDecimal>(Read(Convert.FromHexString(hex), Column(ColumnType.NewDecimal, (ushort)(precision << 8 | scale))));
        Assert.Equal(expected, value.Text);
    }

    [Fact]
    public void Decimal65Comma30KeepsEveryDigit()
    {
        // 35 nines . 30 nines: integer groups 8 + 9*3 digits, fraction 9*3 + 3 digits.
        var bytes = new List<byte>();
        bytes.AddRange(BigEndian(99_999_999, 4));
        for (var i = 0; i < 3; i++) bytes.AddRange(BigEndian(999_999_999, 4));
        for (var i = 0; i < 3; i++) bytes.AddRange(BigEndian(999_999_999, 4));
        bytes.AddRange(BigEndian(999, 2));
        bytes[0] |= 0x80;
        var value = Assert.IsType<MySqlDecimal>(Read([.. bytes], Column(ColumnType.NewDecimal, 65 << 8 | 30)));
        Assert.Equal(new string('9', 35) + "." + new string('9', 30), value.Text);
        Assert.False(value.TryGetDecimal(out _));
        Assert.True(new MySqlDecimal("-12.340").TryGetDecimal(out var small));
        Assert.Equal(-12.34m, small);
    }

    private static byte[] BigEndian(long value, int size) =>
        Enumerable.Range(0, size).Select(i => (byte)(value >> (8 * (size - 1 - i)))).ToArray();

    [Fact]
    public void DatesIncludingZeroParts()
    {
        Assert.Equal(new MySqlDate(2024, 2, 29), Read(Date(2024, 2, 29), Column(ColumnType.Date)));
        var zero = Assert.IsType<MySqlDate>(Read(Date(0, 0, 0), Column(ColumnType.Date)));
        Assert.True(zero.IsZero);
        Assert.Equal("0000-00-00", zero.ToString());
        var partial = Assert.IsType<MySqlDate>(Read(Date(2024, 0, 0), Column(ColumnType.Date)));
        Assert.Equal("2024-00-00", partial.ToString());
        Assert.False(partial.IsValidDate);
    }

    private static byte[] Date(int y, int m, int d)
    {
        var v = y << 9 | m << 5 | d;
        return [(byte)v, (byte)(v >> 8), (byte)(v >> 16)];
    }

    [Fact]
    public void Time2AcrossPrecisionsAndSigns()
    {
        Assert.Equal("838:59:59", Read([0xB4, 0x6E, 0xFB], Column(ColumnType.Time2, 0))!.ToString());
        Assert.Equal("-00:00:00.001", Read([0x7F, 0xFF, 0xFF, 0xFF, 0xF6], Column(ColumnType.Time2, 3))!.ToString());
        var hms = 838L << 12 | 59 << 6 | 59;
        var packed = -((hms << 24) + 999_999);
        var stored = BigEndian(packed + 0x800000000000L, 6);
        var time = Assert.IsType<MySqlTime>(Read(stored, Column(ColumnType.Time2, 6)));
        Assert.Equal("-838:59:59.999999", time.ToString());
        Assert.Equal(-(TimeSpan.FromHours(838) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59) + TimeSpan.FromTicks(9_999_990)), time.ToTimeSpan());
        Assert.Equal("-01:00:00.5", Read([0x7F, 0xEF, 0xFF, 0xCE], Column(ColumnType.Time2, 1))!.ToString());
    }

    [Fact]
    public void OldTimeAndDateTimeFormats()
    {
        var negative = -1234556; // -123:45:56
        Assert.Equal("-123:45:56", Read([(byte)negative, (byte)(negative >> 8), (byte)(negative >> 16)], Column(ColumnType.Time))!.ToString());
        Assert.Equal("2001-02-03 04:05:06", Read(BitConverter.GetBytes(20010203040506UL), Column(ColumnType.DateTime))!.ToString());
    }

    [Fact]
    public void DateTime2WithMicrosecondsAndZeroParts()
    {
        static byte[] Encode(int y, int mo, int d, int h, int mi, int s, int micro, int precision)
        {
            long ymd = ((long)(y * 13 + mo) << 5) | (uint)d;
            long integer = (ymd << 17 | (uint)(h << 12 | mi << 6 | s)) + 0x8000000000L;
            var fraction = precision switch { 0 => [], 2 => [(byte)(micro / 10000)], 6 => BigEndian(micro, 3), _ => throw new ArgumentException() };
            return [.. BigEndian(integer, 5), .. fraction];
        }
        Assert.Equal("2024-02-29 13:14:15.123456", Read(Encode(2024, 2, 29, 13, 14, 15, 123456, 6), Column(ColumnType.DateTime2, 6))!.ToString());
        Assert.Equal("1000-01-01 00:00:00.01", Read(Encode(1000, 1, 1, 0, 0, 0, 10000, 2), Column(ColumnType.DateTime2, 2))!.ToString());
        var zero = Assert.IsType<MySqlDateTime>(Read(Encode(0, 0, 0, 0, 0, 0, 0, 0), Column(ColumnType.DateTime2, 0)));
        Assert.True(zero.IsZero);
        Assert.Equal("2024-00-00 00:00:00", Read(Encode(2024, 0, 0, 0, 0, 0, 0, 0), Column(ColumnType.DateTime2, 0))!.ToString());
    }

    [Fact]
    public void TimestampsAreUtcEpochSeconds()
    {
        var ts = Assert.IsType<MySqlTimestamp>(Read([0x7F, 0xFF, 0xFF, 0xFF, 0x09, 0xFB, 0xF1], Column(ColumnType.Timestamp2, 6)));
        Assert.Equal(int.MaxValue, ts.EpochSeconds);
        Assert.Equal(654321, ts.Microseconds);
        Assert.Equal("2038-01-19 03:14:07.654321", ts.ToString());
        Assert.True(Assert.IsType<MySqlTimestamp>(Read([0, 0, 0, 0], Column(ColumnType.Timestamp2, 0))).IsZero);
        Assert.Equal(new MySqlTimestamp(1, 0, 0), Read([1, 0, 0, 0], Column(ColumnType.Timestamp)));
    }

    [Fact]
    public void YearBitEnumSet()
    {
        Assert.Equal(2155, Read([255], Column(ColumnType.Year)));
        Assert.Equal(0, Read([0], Column(ColumnType.Year)));
        Assert.Equal(new MySqlBit(ulong.MaxValue, 64), Read(Enumerable.Repeat((byte)0xFF, 8).ToArray(), Column(ColumnType.Bit, 8 << 8)));
        var bit10 = Assert.IsType<MySqlBit>(Read([0x02, 0xAA], Column(ColumnType.Bit, 1 << 8 | 2)));
        Assert.Equal(new MySqlBit(0b10_1010_1010, 10), bit10);
        Assert.Equal([0x02, 0xAA], bit10.ToBytes());
        Assert.Equal(new MySqlEnum(3, "c d"), Read([3], Column(ColumnType.Enum, 0xF701, enumValues: ["a", "b", "c d"])));
        Assert.Equal(new MySqlEnum(0, ""), Read([0], Column(ColumnType.Enum, 0xF701, enumValues: ["a"])));
        Assert.Equal(new MySqlEnum(2, null), Read([2, 0], Column(ColumnType.Enum, 0xF702)));
        Assert.Equal(new MySqlSet(0b101, "x,z"), Read([5], Column(ColumnType.Set, 0xF801, setValues: ["x", "y", "z"])));
        Assert.Equal(new MySqlSet(0, ""), Read([0], Column(ColumnType.Set, 0xF801, setValues: ["x"])));
    }

    [Fact]
    public void StringsKeepBytesAndCharset()
    {
        var utf8 = "😀 héllo"u8.ToArray();
        var text = Assert.IsType<MySqlText>(Read([(byte)utf8.Length, .. utf8], Column(ColumnType.VarChar, 200, charset: "utf8mb4")));
        Assert.Equal("😀 héllo", text.ToString());
        Assert.Equal("utf8mb4", text.Charset);
        var latin1 = Assert.IsType<MySqlText>(Read([2, 0, 0x63, 0xE9], Column(ColumnType.VarChar, 300, charset: "latin1")));
        Assert.Equal("cé", latin1.ToString());
        var charLong = Assert.IsType<MySqlText>(Read([1, 0, 0x41], Column(ColumnType.String, 0xCEFC, charset: "utf8mb4")));
        Assert.Equal("A", charLong.ToString());
        Assert.Equal(new byte[] { 0x61, 0x62, 0, 0 }, Read([2, 0x61, 0x62], Column(ColumnType.String, 0xFE04, pad: 4)));
        Assert.Equal(new byte[] { 1, 2, 3 }, Read([3, 0, 1, 2, 3], Column(ColumnType.Blob, 2)));
        var long4 = Enumerable.Repeat((byte)7, 70000).ToArray();
        Assert.Equal(long4, Read([.. BitConverter.GetBytes(70000), .. long4], Column(ColumnType.Blob, 4)));
    }

    [Fact]
    public void GeometryAndJson()
    {
        byte[] point = [0xE6, 0x10, 0, 0, 1, 1, 0, 0, 0, .. BitConverter.GetBytes(1.5), .. BitConverter.GetBytes(-2.25)];
        var geometry = Assert.IsType<MySqlGeometry>(Read([(byte)point.Length, 0, 0, 0, .. point], Column(ColumnType.Geometry, 4)));
        Assert.Equal(4326u, geometry.Srid);
        Assert.Equal(point[4..], geometry.Wkb.ToArray());

        byte[] json = [0x00, 0x01, 0x00, 0x16, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x02, 0x0C, 0x00, 0x61,
            0x02, 0x00, 0x0A, 0x00, 0x05, 0x01, 0x00, 0x04, 0x01, 0x00];
        Assert.Equal(new MySqlJson("{\"a\": [1, true]}"), Read([(byte)json.Length, 0, 0, 0, .. json], Column(ColumnType.Json, 4)));
    }

    [Fact]
    public void TruncatedValuesAreFormatErrors()
    {
        Assert.Throws<FormatException>(() => Read([1, 2], Column(ColumnType.Long)));
        Assert.Throws<FormatException>(() => Read([5, 0x61], Column(ColumnType.VarChar, 10, charset: "utf8mb4")));
        Assert.Throws<FormatException>(() => Read([0x81], Column(ColumnType.NewDecimal, 14 << 8 | 4)));
        Assert.Throws<FormatException>(() => Read([0xFF, 0xFF, 0, 0], Column(ColumnType.Blob, 4)));
    }

    [Fact]
    public void RowImagesHonourNullBitmapsAndMissingColumns()
    {
        RowColumn[] columns = [Column(ColumnType.Long), Column(ColumnType.VarChar, 10, charset: "utf8mb4") ];
        // Update: before (id=1, name=NULL), after (id=1, name='x').
        byte[] rows = [0b10, 1, 0, 0, 0, 0b00, 1, 0, 0, 0, 1, (byte)'x'];
        var e = new RowsEvent(default, RowsEventKind.Update, 1, 1, 2, [0b11], [0b11], rows);
        var (before, after) = Assert.Single(RowImageDecoder.Decode(e, columns));
        Assert.Equal([1L, null], before!);
        Assert.Equal("x", after![1]!.ToString());

        // Minimal image: only column 0 present.
        var minimal = new RowsEvent(default, RowsEventKind.Delete, 1, 1, 2, [0b01], null, [0b0, 7, 0, 0, 0]);
        var (gone, _) = Assert.Single(RowImageDecoder.Decode(minimal, columns));
        Assert.Equal(7L, gone![0]);
        Assert.Same(ColumnNotLogged.Value, gone[1]);
    }

    [Fact]
    public void EnumValuesAreParsedFromColumnType()
    {
        Assert.Equal(["a", "it's", "c,d"], RowColumn.ParseEnumValues("enum('a','it''s','c,d')"));
        Assert.Equal(["x"], RowColumn.ParseEnumValues("set('x')"));
    }
}
