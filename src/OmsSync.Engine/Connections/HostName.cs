using System.Net;
using System.Net.Sockets;

namespace OmsSync.Engine.Connections;

/// <summary>
/// Tells a host name that does not resolve from a server that does not answer: drivers report both as a failure to
/// connect, but the fixes differ (the address, or the server and the network).
/// </summary>
internal static class HostName
{
    /// <summary>Why <paramref name="host"/> does not resolve (DNS's answer), or null when it does or is an address.</summary>
    public static string? Unresolvable(string host)
    {
        if (IPAddress.TryParse(host, out _)) return null;
        try
        {
            return Dns.GetHostAddresses(host).Length == 0 ? "it has no address" : null;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return e.Message;
        }
    }

    /// <summary>The message for a data source whose host name does not resolve.</summary>
    public static string Describe(string where, string host, string reason) =>
        $"Cannot reach {where}: the host name '{host}' does not resolve ({reason}). Correct the server's name with Set-OmsDataSource -Server, or check the DNS.";
}
