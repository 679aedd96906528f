using MySqlConnector;
using Npgsql;
using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// Failures that end when a server comes back: a server that cannot be reached or restarted under a statement, a
/// connection lost or timed out. A worker meeting one in any phase starts its phases again from their checkpoints
/// instead of failing the task, as it would after being killed and started again.
/// </summary>
public static class TransientFaults
{
    /// <summary>MariaDB's ER_CONNECTION_KILLED: the server ended the session (shutting down, or KILL).</summary>
    private const int ConnectionKilled = 1927;

    public static bool IsConnectionLoss(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OmsException { ErrorId: "ConnectionFailed" }:
                case IOException or System.Net.Sockets.SocketException or TimeoutException:
                case MySqlException { IsTransient: true }:
                case MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.ServerShutdown or MySqlErrorCode.QueryInterrupted
                    or MySqlErrorCode.CommandTimeoutExpired }:
                case MySqlException { Number: ConnectionKilled }:
                case NpgsqlException { IsTransient: true }:
                    return true;
                case OperationCanceledException:
                    return false;
            }
        }
        return false;
    }
}
