using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class EventDecoderTests
{
    private static BinlogEventDecoder Decoder(bool crc32 = true)
    {
        var decoder = new BinlogEventDecoder();
        decoder.Decode(EventBytes.FormatDescription(crc32));
        return decoder;
    }

    [Fact]
    public void FormatDescriptionSetsChecksumAndPostHeaders()
    {
        var decoder = new BinlogEventDecoder();
        var format = Assert.IsType<FormatDescriptionEvent>(decoder.Decode(EventBytes.FormatDescription()));
        Assert.Equal(ChecksumAlgorithm.Crc32, format.Checksum);
        Assert.Equal("10.11.6-MariaDB-log", format.ServerVersion);
        Assert.Equal(4, format.BinlogVersion);
        Assert.Equal(13, format.PostHeaderLength(BinlogEventType.Query, 0));
        Assert.Equal(ChecksumAlgorithm.Crc32, decoder.Checksum);

        var off = new BinlogEventDecoder(ChecksumAlgorithm.Crc32);
        Assert.Equal(ChecksumAlgorithm.Off, Assert.IsType<FormatDescriptionEvent>(off.Decode(EventBytes.FormatDescription(crc32: false))).Checksum);
        Assert.Equal(ChecksumAlgorithm.Off, off.Checksum);
    }

    [Fact]
    public void CorruptEventFailsItsChecksum()
    {
        var bytes = EventBytes.Query("db", "BEGIN");
        bytes[25] ^= 0x01;
        var e = Assert.Throws<BinlogChecksumException>(() => Decoder().Decode(bytes));
        Assert.Contains("CRC32", e.Message);
        var fde = EventBytes.FormatDescription();
        fde[30] ^= 0x40;
        Assert.Throws<BinlogChecksumException>(() => new BinlogEventDecoder().Decode(fde));
    }

    [Fact]
    public void EventsWithoutChecksumsAreReadWhole()
    {
        var decoder = Decoder(crc32: false);
        var query = Assert.IsType<QueryEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.Query,
            EventBytes.Query("shop", "COMMIT")[19..^4], checksum: false)));
        Assert.Equal("COMMIT", query.Statement);
    }

    [Fact]
    public void TruncatedAndMisSizedEventsAreFormatErrors()
    {
        var bytes = EventBytes.Query("db", "BEGIN");
        Assert.Throws<FormatException>(() => Decoder().Decode(bytes.AsSpan(0, 10)));
        Assert.Throws<FormatException>(() => Decoder().Decode(bytes.AsSpan(0, bytes.Length - 1)));
        // A TABLE_MAP cut short inside its column list (with a valid checksum over the short body).
        var map = EventBytes.TableMap(5, "db", "t", [3, 3, 3], []);
        var shortBody = map[19..^4][..20];
        Assert.Throws<FormatException>(() => Decoder().Decode(EventBytes.Event(BinlogEventType.TableMap, shortBody)));
    }

    [Fact]
    public void QueryCarriesDefaultDatabaseAndStatement()
    {
        var query = Assert.IsType<QueryEvent>(Decoder().Decode(EventBytes.Query("shop", "ALTER TABLE t ADD c INT", nextPosition: 777)));
        Assert.Equal("shop", query.Database);
        Assert.Equal("ALTER TABLE t ADD c INT", query.Statement);
        Assert.Equal(777u, query.Header.NextPosition);
        Assert.False(query.IsBegin);
        Assert.True(Assert.IsType<QueryEvent>(Decoder().Decode(EventBytes.Query("", "BEGIN"))).IsBegin);
    }

    [Fact]
    public void RotateXidGtidAndGtidListDecode()
    {
        var decoder = Decoder();
        var rotate = Assert.IsType<RotateEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.Rotate,
            new PacketWriter().WriteUInt64(4).WriteString("mysql-bin.000002").ToArray())));
        Assert.Equal("mysql-bin.000002", rotate.NextFile);
        Assert.Equal(4UL, rotate.Position);

        Assert.Equal(99UL, Assert.IsType<XidEvent>(decoder.Decode(EventBytes.Xid(99, 500))).Xid);

        var gtid = Assert.IsType<MariaDbGtidEvent>(decoder.Decode(EventBytes.MariaDbGtid(2, 1234, 0x21, serverId: 7)));
        Assert.Equal(new MariaDbGtid(2, 7, 1234), gtid.Gtid);
        Assert.True(gtid.IsStandalone);
        Assert.True(gtid.IsDdl);

        var list = Assert.IsType<MariaDbGtidListEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.MariaDbGtidList,
            new PacketWriter().WriteUInt32(2).WriteUInt32(0).WriteUInt32(1).WriteUInt64(10).WriteUInt32(1).WriteUInt32(2).WriteUInt64(20).ToArray())));
        Assert.Equal([new MariaDbGtid(0, 1, 10), new MariaDbGtid(1, 2, 20)], list.Gtids);

        var mysqlGtid = Assert.IsType<MySqlGtidEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.Gtid,
            new PacketWriter().WriteByte(1).WriteBytes(Convert.FromHexString("3e11fa4771ca11e19e33c80aa9429562")).WriteUInt64(42)
                .WriteByte(2).WriteUInt64(0).WriteUInt64(0).WriteBytes([0x40, 0x42, 0x0F, 0, 0, 0, 0]).ToArray())));
        Assert.Equal("3e11fa47-71ca-11e1-9e33-c80aa9429562:42", mysqlGtid.Gtid);
        Assert.Equal(1_000_000UL, mysqlGtid.CommitMicroseconds);
    }

    [Fact]
    public void PreviousGtidsAndHeartbeatV2Decode()
    {
        var decoder = Decoder();
        var previous = Assert.IsType<PreviousGtidsEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.PreviousGtids,
            new PacketWriter().WriteUInt64(1).WriteBytes(Convert.FromHexString("3e11fa4771ca11e19e33c80aa9429562"))
                .WriteUInt64(2).WriteUInt64(1).WriteUInt64(6).WriteUInt64(8).WriteUInt64(9).ToArray())));
        Assert.Equal("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:8", previous.Set.ToString());

        var v2 = Assert.IsType<HeartbeatEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.HeartbeatV2,
            new PacketWriter().WriteByte(1).WriteLengthEncodedBytes("binlog.000009"u8).WriteByte(2)
                .WriteLengthEncodedBytes(new PacketWriter().WriteLengthEncodedInteger(70_000).ToArray()).ToArray(), nextPosition: 0)));
        Assert.Equal(("binlog.000009", 70_000UL), (v2.File, v2.Position));
    }

    [Fact]
    public void HeartbeatAndAnnotateDecode()
    {
        var decoder = Decoder();
        var heartbeat = Assert.IsType<HeartbeatEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.Heartbeat, "mysql-bin.000003"u8.ToArray(), nextPosition: 1234)));
        Assert.Equal("mysql-bin.000003", heartbeat.File);
        Assert.Equal(1234UL, heartbeat.Position);
        Assert.Equal("INSERT INTO t VALUES (1)",
            Assert.IsType<AnnotateRowsEvent>(decoder.Decode(EventBytes.Event(BinlogEventType.MariaDbAnnotateRows, "INSERT INTO t VALUES (1)"u8.ToArray()))).Statement);
    }

    [Theory]
    [InlineData((byte)BinlogEventType.IntVar)]
    [InlineData((byte)BinlogEventType.Rand)]
    [InlineData((byte)BinlogEventType.UserVar)]
    [InlineData((byte)BinlogEventType.MariaDbBinlogCheckpoint)]
    [InlineData((byte)200)]
    public void IgnoredAndUnknownEventsAreSkipped(byte type)
    {
        Assert.IsType<SkippedEvent>(Decoder().Decode(EventBytes.Event((BinlogEventType)type, [1, 2, 3, 4, 5, 6, 7, 8, 9])));
    }

    [Theory]
    [InlineData((byte)BinlogEventType.TransactionPayload, "binlog_transaction_compression")]
    [InlineData((byte)BinlogEventType.PartialUpdateRows, "binlog_row_value_options")]
    public void RefusedEventsNameTheSettingToChange(byte type, string setting)
    {
        var e = Assert.Throws<BinlogUnsupportedException>(() => Decoder().Decode(EventBytes.Event((BinlogEventType)type, [0, 0, 0, 0, 0, 0, 0, 0])));
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void TableMapWithOptionalMetadata()
    {
        // Columns: INT, VARCHAR(40), ENUM('a','b'), DECIMAL(10,2), TIMESTAMP(3), BIGINT
        byte[] types = [3, 15, 254, 246, 17, 8];
        byte[] meta = [40, 0, 247, 1, 10, 2, 3];
        var optional = new PacketWriter()
            .WriteByte(1).WriteLengthEncodedBytes([0b1010_0000])                  // signedness over the numeric columns (INT, DECIMAL, BIGINT), most significant bit first
            .WriteByte(2).WriteLengthEncodedBytes([45, 0, 8])                    // default charset 45, character column 0 -> 8 (latin1)
            .WriteByte(4).WriteLengthEncodedBytes(new PacketWriter().WriteLengthEncodedBytes("id"u8).WriteLengthEncodedBytes("name"u8)
                .WriteLengthEncodedBytes("kind"u8).WriteLengthEncodedBytes("price"u8).WriteLengthEncodedBytes("at"u8).WriteLengthEncodedBytes("big"u8).ToArray())
            .WriteByte(6).WriteLengthEncodedBytes(new PacketWriter().WriteLengthEncodedInteger(2).WriteLengthEncodedBytes("a"u8).WriteLengthEncodedBytes("b"u8).ToArray())
            .WriteByte(8).WriteLengthEncodedBytes([0])
            .WriteByte(99).WriteLengthEncodedBytes([1, 2, 3])                    // unknown: skipped
            .ToArray();
        var map = Assert.IsType<TableMapEvent>(Decoder().Decode(EventBytes.TableMap(0x0000_0102_0304_0506 & 0xFFFF_FFFF_FFFF, "shop", "items", types, meta, optional)));
        Assert.Equal(0x0102_0304_0506UL, map.TableId);
        Assert.Equal(("shop", "items"), (map.Database, map.Table));
        Assert.Equal([ColumnType.Long, ColumnType.VarChar, ColumnType.Enum, ColumnType.NewDecimal, ColumnType.Timestamp2, ColumnType.LongLong],
            map.Columns.Select(c => c.Type));
        Assert.Equal(["id", "name", "kind", "price", "at", "big"], map.Columns.Select(c => c.Name));
        Assert.Equal([true, null, null, false, null, true], map.Columns.Select(c => c.Unsigned));
        Assert.Equal(8, map.Columns[1].Collation);
        Assert.Equal(["a", "b"], map.Columns[2].EnumValues);
        Assert.Equal((ushort)(10 << 8 | 2), map.Columns[3].Metadata);
        Assert.Equal(40, map.Columns[1].Metadata);
        Assert.True(map.Columns[0].IsPrimaryKey);
        Assert.All(map.Columns, c => Assert.True(c.Nullable));
    }

    [Fact]
    public void CharLongerThan255BytesUnfoldsItsLength()
    {
        // CHAR(255) utf8mb4 = 1020 bytes: the type byte 0xFE loses bits 4-5 to the length's high bits.
        var length = 1020;
        var high = (byte)(0xFE ^ ((length >> 4) & 0x30));
        var map = Assert.IsType<TableMapEvent>(Decoder().Decode(EventBytes.TableMap(1, "d", "t", [254], [high, (byte)(length & 0xFF)])));
        Assert.Equal(ColumnType.String, map.Columns[0].Type);
        Assert.Equal(1020, map.Columns[0].StringMaxLength);
    }

    [Fact]
    public void RowsEventsV1AndV2Decode()
    {
        var decoder = Decoder();
        var v1 = Assert.IsType<RowsEvent>(decoder.Decode(EventBytes.Rows(BinlogEventType.UpdateRowsV1, 9, 2, [0, 1, 0, 0, 0, 5, 0, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0])));
        Assert.Equal(RowsEventKind.Update, v1.Kind);
        Assert.Equal(9UL, v1.TableId);
        Assert.NotNull(v1.ColumnsPresentAfter);
        var v2 = Assert.IsType<RowsEvent>(decoder.Decode(EventBytes.Rows(BinlogEventType.WriteRowsV2, 9, 1, [0, 1, 0, 0, 0])));
        Assert.Equal(RowsEventKind.Insert, v2.Kind);
        Assert.Equal([0, 1, 0, 0, 0], v2.Rows);
    }

    [Fact]
    public void MariaDbCompressedRowsAreInflated()
    {
        byte[] rows = [0, 1, 0, 0, 0];
        using var buffer = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(rows);
        byte[] compressed = [0x81, (byte)rows.Length, .. buffer.ToArray()];
        var body = new PacketWriter().WriteUInt32(9).WriteUInt16(0).WriteUInt16(1).WriteLengthEncodedInteger(1).WriteByte(0xFF).WriteBytes(compressed).ToArray();
        var e = Assert.IsType<RowsEvent>(Decoder().Decode(EventBytes.Event(BinlogEventType.MariaDbWriteRowsCompressedV1, body)));
        Assert.Equal(rows, e.Rows);
        Assert.Throws<FormatException>(() => MariaDbCompression.Decompress([0x81, 50, 1, 2, 3]));
    }
}
