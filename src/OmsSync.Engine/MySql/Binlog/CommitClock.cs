using OmsSync.Engine.Changes;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// The source commit time of each transaction read, as finely as it can be known; lag is now minus that time for
/// the last transaction applied. MySQL logs commit times in microseconds; MariaDB only in whole seconds, which
/// would overstate lag by up to a second. The task's heartbeat rows (<see cref="SourceHeartbeat"/>) carry the
/// source's clock in microseconds: a heartbeat's time is its commit time, and a lower bound for the commit times of
/// every transaction after it in the binlog, which tightens whole-second times in the same second.
/// Feed it every transaction in binlog order.
/// </summary>
internal sealed class CommitClock(string task)
{
    private DateTimeOffset? _lastBeat;

    public DateTimeOffset CommitTimeOf(SourceTransaction transaction)
    {
        if (SourceHeartbeat.BeatOf(transaction, task) is { } beat)
        {
            _lastBeat = beat;
            return beat;
        }
        return _lastBeat is { } floor && floor > transaction.CommitTime ? floor : transaction.CommitTime;
    }
}
