using System.Buffers.Binary;
using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>
/// Turns raw event bytes into events. It remembers the current FORMAT_DESCRIPTION (post-header
/// lengths, checksum algorithm) and verifies each event's CRC32 when checksums are on.
/// </summary>
internal sealed class BinlogEventDecoder
{
    private FormatDescriptionEvent? _format;

    /// <param name="checksum">The algorithm of events that arrive before the first FORMAT_DESCRIPTION (the server's first Rotate).</param>
    public BinlogEventDecoder(ChecksumAlgorithm checksum = ChecksumAlgorithm.Off) => Checksum = checksum;

    public ChecksumAlgorithm Checksum { get; private set; }
    public FormatDescriptionEvent? Format => _format;

    public BinlogEvent Decode(ReadOnlySpan<byte> data)
    {
        var header = BinlogEventHeader.Parse(data);
        if (header.EventSize != data.Length)
            throw new FormatException($"Binlog event {header.Type} says it is {header.EventSize} bytes but {data.Length} arrived.");

        if (header.Type == BinlogEventType.FormatDescription)
        {
            var format = FormatDescriptionEvent.Parse(header, data);
            if (format.Checksum == ChecksumAlgorithm.Crc32) Verify(header, data);
            else if (format.Checksum is not ChecksumAlgorithm.Off and not ChecksumAlgorithm.Undefined)
                throw new BinlogUnsupportedException($"Unknown binlog checksum algorithm {(byte)format.Checksum}; set binlog_checksum to CRC32 or NONE.");
            _format = format;
            Checksum = format.Checksum == ChecksumAlgorithm.Crc32 ? ChecksumAlgorithm.Crc32 : ChecksumAlgorithm.Off;
            return format;
        }

        var body = data[BinlogEventHeader.Size..];
        if (Checksum == ChecksumAlgorithm.Crc32)
        {
            Verify(header, data);
            body = body[..^4];
        }
        return DecodeBody(header, body);
    }

    private static void Verify(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        if (data.Length < BinlogEventHeader.Size + 4) throw new FormatException($"Binlog event {header.Type} is too short to carry a checksum.");
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
        var actual = Crc32.Compute(data[..^4]);
        if (expected != actual)
            throw new BinlogChecksumException(
                $"CRC32 mismatch in {header.Type} event ending at position {header.NextPosition}: stored 0x{expected:X8}, computed 0x{actual:X8}.");
    }

    private int PostHeader(BinlogEventType type, int fallback) => _format?.PostHeaderLength(type, fallback) ?? fallback;

    private BinlogEvent DecodeBody(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        switch (header.Type)
        {
            case BinlogEventType.Rotate: return RotateEvent.Parse(header, body);
            case BinlogEventType.Query: return QueryEvent.Parse(header, body, PostHeader(header.Type, 13));
            case BinlogEventType.MariaDbQueryCompressed: return QueryEvent.Parse(header, body, PostHeader(header.Type, 13), compressed: true);
            case BinlogEventType.Xid: return XidEvent.Parse(header, body);
            case BinlogEventType.TableMap: return TableMapEvent.Parse(header, body, PostHeader(header.Type, 8));
            case BinlogEventType.WriteRowsV1 or BinlogEventType.UpdateRowsV1 or BinlogEventType.DeleteRowsV1
                or BinlogEventType.WriteRowsV2 or BinlogEventType.UpdateRowsV2 or BinlogEventType.DeleteRowsV2
                or BinlogEventType.MariaDbWriteRowsCompressedV1 or BinlogEventType.MariaDbUpdateRowsCompressedV1
                or BinlogEventType.MariaDbDeleteRowsCompressedV1 or BinlogEventType.MariaDbWriteRowsCompressed
                or BinlogEventType.MariaDbUpdateRowsCompressed or BinlogEventType.MariaDbDeleteRowsCompressed:
                return RowsEvent.Parse(header, body, PostHeader(header.Type, 8));
            case BinlogEventType.Gtid or BinlogEventType.AnonymousGtid: return MySqlGtidEvent.Parse(header, body);
            case BinlogEventType.PreviousGtids: return PreviousGtidsEvent.Parse(header, body);
            case BinlogEventType.MariaDbGtid: return MariaDbGtidEvent.Parse(header, body);
            case BinlogEventType.MariaDbGtidList: return MariaDbGtidListEvent.Parse(header, body);
            case BinlogEventType.MariaDbAnnotateRows or BinlogEventType.RowsQuery: return AnnotateRowsEvent.Parse(header, body);
            case BinlogEventType.Heartbeat: return HeartbeatEvent.Parse(header, body);
            case BinlogEventType.HeartbeatV2: return HeartbeatEvent.ParseV2(header, body);
            case BinlogEventType.TransactionPayload:
                throw new BinlogUnsupportedException(
                    "The source writes compressed transaction payloads; set binlog_transaction_compression=OFF on the source.");
            case BinlogEventType.PartialUpdateRows:
                throw new BinlogUnsupportedException(
                    "The source logs partial JSON updates; set binlog_row_value_options='' (empty) on the source.");
            case BinlogEventType.XaPrepare: return XaPrepareEvent.Parse(header, body);
            case BinlogEventType.GtidTagged:
                throw new BinlogUnsupportedException("Tagged GTIDs (MySQL 8.3+) are not supported; do not use GTID tags on the source.");
            case BinlogEventType.PreGaWriteRows or BinlogEventType.PreGaUpdateRows or BinlogEventType.PreGaDeleteRows:
                throw new BinlogUnsupportedException("Pre-GA (MySQL 5.1.0-5.1.15) row events are not supported.");
            default:
                return new SkippedEvent(header);
        }
    }
}
