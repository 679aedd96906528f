using System.Net;
using System.Net.Sockets;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// MariaDB's INET4 and INET6 against PostgreSQL's inet. MariaDB stores the address's 4 or 16 bytes; inet holds them
/// with a netmask, which for a single address is the whole width and which its text output leaves out. An inet value
/// with a narrower netmask (a network), or of the other family than the column's, has no MariaDB counterpart.
/// </summary>
public static class InetAddresses
{
    public static bool IsInet(ColumnSchema mysql) => mysql.DataType is "inet4" or "inet6";

    /// <summary>The text of an INET4 or INET6 value's bytes; the binlog cuts trailing zero bytes as for any BINARY(n).</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes, bool v6)
    {
        var full = new byte[v6 ? 16 : 4];
        if (bytes.Length > full.Length) throw new FormatException("it is not an IP address.");
        bytes.CopyTo(full);
        return new IPAddress(full).ToString();
    }

    /// <summary>The MariaDB text of an inet value of <paramref name="pg"/> for <paramref name="mysql"/>, or a refusal naming table, column and value.</summary>
    internal static Func<string, string> ToMySql(string table, ColumnSchema pg, ColumnSchema mysql)
    {
        var family = mysql.DataType == "inet6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        return text =>
        {
            if (text.Contains('/'))
                throw NotRepresentable.InMySql(table, pg.Name, text, mysql.ColumnType, $"{mysql.ColumnType.ToUpperInvariant()} holds single addresses, not networks.");
            if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != family)
                throw NotRepresentable.InMySql(table, pg.Name, text, mysql.ColumnType, family == AddressFamily.InterNetwork
                    ? "INET4 holds IPv4 addresses only."
                    : "INET6 holds IPv6 addresses only (an IPv4 address as ::ffff:a.b.c.d).");
            return text;
        };
    }
}
