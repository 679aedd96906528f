using System.Diagnostics;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Counts what an incremental stream applies and reports it to the state store at most once a second (the first batch
/// at once): position, lag behind the source's last commit (0 when idle and caught up), rows and transactions per second.
/// </summary>
internal sealed class StreamProgress(RuntimeStore runtime, string task, Direction direction, DateTimeOffset? lastCommit)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport = TimeSpan.FromSeconds(-1);
    private DateTimeOffset? _lastCommit = lastCommit;
    private long _rows, _transactions, _rowsAtReport, _transactionsAtReport;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <param name="commit">The commit time of the batch's last source transaction, null for heartbeats only.</param>
    public void Applied(long rows, long transactions, DateTimeOffset? commit)
    {
        _rows += rows;
        _transactions += transactions;
        if (commit is not null) _lastCommit = commit;
    }

    /// <param name="idle">Nothing is queued and the last item read was a heartbeat: the stream is caught up.</param>
    public void Report(string position, bool idle)
    {
        var now = _clock.Elapsed;
        if (now - _lastReport < TimeSpan.FromSeconds(1)) return;
        var seconds = (now - _lastReport).TotalSeconds;
        var lag = _lastCommit is null ? (long?)null : idle ? 0 : Math.Max(0, (long)(DateTimeOffset.UtcNow - _lastCommit.Value).TotalMilliseconds);
        runtime.Beat(task, direction, position: position, lagMs: lag, rowsApplied: _rows,
            rowsPerSecond: Math.Round((_rows - _rowsAtReport) / seconds, 1), txnPerSecond: Math.Round((_transactions - _transactionsAtReport) / seconds, 1));
        _rowsAtReport = _rows;
        _transactionsAtReport = _transactions;
        _lastReport = now;
    }
}
