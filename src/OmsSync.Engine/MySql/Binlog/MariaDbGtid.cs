using System.Globalization;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>A MariaDB global transaction id: replication domain, originating server, sequence number.</summary>
public readonly record struct MariaDbGtid(uint Domain, uint ServerId, ulong Sequence)
{
    public static MariaDbGtid Parse(string text)
    {
        var parts = text.Trim().Split('-');
        if (parts.Length != 3 ||
            !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain) ||
            !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server) ||
            !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            throw new FormatException($"'{text}' is not a MariaDB GTID (domain-server-sequence).");
        return new MariaDbGtid(domain, server, sequence);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Domain}-{ServerId}-{Sequence}");
}
