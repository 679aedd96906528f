using OmsSync.Engine.MySql.Binlog.Protocol;
using OmsSync.Engine.MySql.Binlog.Rows;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class JsonBinaryDecoderTests
{
    private static byte[] Scalar(byte type, params byte[] value) => [type, .. value];

    [Fact]
    public void Scalars()
    {
        Assert.Equal("null", JsonBinaryDecoder.ToJson([]));
        Assert.Equal("null", JsonBinaryDecoder.ToJson(Scalar(0x04, 0)));
        Assert.Equal("false", JsonBinaryDecoder.ToJson(Scalar(0x04, 2)));
        Assert.Equal("-2", JsonBinaryDecoder.ToJson(Scalar(0x05, 0xFE, 0xFF)));
        Assert.Equal("65535", JsonBinaryDecoder.ToJson(Scalar(0x06, 0xFF, 0xFF)));
        Assert.Equal("-9223372036854775808", JsonBinaryDecoder.ToJson(Scalar(0x09, [.. BitConverter.GetBytes(long.MinValue)])));
        Assert.Equal("18446744073709551615", JsonBinaryDecoder.ToJson(Scalar(0x0A, [.. BitConverter.GetBytes(ulong.MaxValue)])));
        Assert.Equal("2.5", JsonBinaryDecoder.ToJson(Scalar(0x0B, [.. BitConverter.GetBytes(2.5)])));
        Assert.Equal("1.0", JsonBinaryDecoder.ToJson(Scalar(0x0B, [.. BitConverter.GetBytes(1.0)])));
        Assert.Equal("1e300", JsonBinaryDecoder.ToJson(Scalar(0x0B, [.. BitConverter.GetBytes(1e300)])));
    }

    [Fact]
    public void StringsAreEscapedAndLongLengthsUseSevenBitGroups()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n😀\"", JsonBinaryDecoder.ToJson([0x0C, 10, .. "a\"b\\c\n😀"u8]));
        var longText = new string('x', 200);
        Assert.Equal($"\"{longText}\"", JsonBinaryDecoder.ToJson([0x0C, 0xC8, 0x01, .. System.Text.Encoding.ASCII.GetBytes(longText)]));
    }

    [Fact]
    public void OpaqueDecimalAndTemporalValues()
    {
        // DECIMAL(14,4) 1234567890.1234: opaque type 246, length, precision, scale, binary decimal.
        Assert.Equal("1234567890.1234", JsonBinaryDecoder.ToJson([0x0F, 246, 9, 14, 4, .. Convert.FromHexString("810DFB38D204D2")]));
        long ymd = (2024L * 13 + 2) << 5 | 29;
        long packed = (ymd << 17 | 13 << 12 | 14 << 6 | 15) << 24 | 500_000;
        Assert.Equal("\"2024-02-29 13:14:15.500000\"", JsonBinaryDecoder.ToJson([0x0F, 12, 8, .. BitConverter.GetBytes(packed)]));
        Assert.Equal("\"2024-02-29\"", JsonBinaryDecoder.ToJson([0x0F, 10, 8, .. BitConverter.GetBytes(packed)]));
        Assert.Equal("\"base64:type252:AQI=\"", JsonBinaryDecoder.ToJson([0x0F, 252, 2, 1, 2]));
    }

    [Fact]
    public void LargeObjectsUseFourByteOffsets()
    {
        // {"k": "v"} as a large object: count(4) size(4) key entry (offset 4, length 2) value entry (type 1, offset 4).
        var w = new PacketWriter();
        w.WriteUInt32(1).WriteUInt32(8 + 6 + 5 + 1 + 2);
        w.WriteUInt32(19).WriteUInt16(1);   // key at offset 19
        w.WriteByte(0x0C).WriteUInt32(20);  // string at offset 20
        w.WriteString("k").WriteByte(1).WriteString("v");
        Assert.Equal("{\"k\": \"v\"}", JsonBinaryDecoder.ToJson([0x01, .. w.ToArray()]));
    }

    [Fact]
    public void EmptyContainersAndNesting()
    {
        Assert.Equal("[]", JsonBinaryDecoder.ToJson([0x02, 0, 0, 4, 0]));
        Assert.Equal("{}", JsonBinaryDecoder.ToJson([0x00, 0, 0, 4, 0]));
        // [[]]: outer array with one non-inlined array value at offset 7.
        Assert.Equal("[[]]", JsonBinaryDecoder.ToJson([0x02, 1, 0, 11, 0, 0x02, 7, 0, 0, 0, 4, 0]));
    }

    [Theory]
    [InlineData(new byte[] { 0x0C, 5, 0x61 })]
    [InlineData(new byte[] { 0x02, 3, 0, 4, 0 })]
    [InlineData(new byte[] { 0x00, 1, 0, 0x40, 0 })]
    [InlineData(new byte[] { 0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x33 })]
    [InlineData(new byte[] { 0x04, 7 })]
    public void CorruptDocumentsAreFormatErrors(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => JsonBinaryDecoder.ToJson(bytes));
    }
}
