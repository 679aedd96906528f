using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>Ends the event group of an XA PREPARE: one-phase flag, then the XID (format id, gtrid and bqual lengths, data).</summary>
internal sealed class XaPrepareEvent(BinlogEventHeader header, bool onePhase, string xid) : BinlogEvent(header)
{
    public bool OnePhase { get; } = onePhase;
    /// <summary>The XID as XA statements spell it: X'gtrid',X'bqual',formatId.</summary>
    public string Xid { get; } = xid;

    public static XaPrepareEvent Parse(BinlogEventHeader header, ReadOnlySpan<byte> body)
    {
        var reader = new PacketReader(body);
        var onePhase = reader.ReadByte() != 0;
        var format = (int)reader.ReadUInt32();
        var gtridLength = (int)reader.ReadUInt32();
        var bqualLength = (int)reader.ReadUInt32();
        if (gtridLength is < 0 or > 64 || bqualLength is < 0 or > 64) throw new FormatException("XA_PREPARE holds an XID longer than 64 bytes.");
        var gtrid = Convert.ToHexString(reader.ReadBytes(gtridLength));
        var bqual = Convert.ToHexString(reader.ReadBytes(bqualLength));
        return new XaPrepareEvent(header, onePhase, $"X'{gtrid}',X'{bqual}',{format}");
    }
}
