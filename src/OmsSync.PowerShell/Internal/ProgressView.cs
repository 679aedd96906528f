using System.Management.Automation;
using OmsSync.PowerShell.Output;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.PowerShell.Internal;

/// <summary>Write-Progress records for a task being watched: one overall bar and one per table under it.</summary>
internal sealed class ProgressView
{
    private readonly int _activityId;
    private readonly string _activity;
    private readonly Dictionary<string, int> _tableIds = new(StringComparer.Ordinal);

    public ProgressView(int activityId, OmsTask task)
    {
        _activityId = activityId;
        _activity = $"Task {task.Name} ({task.Direction})";
    }

    public IEnumerable<ProgressRecord> Update(OmsTask task)
    {
        var estimate = task.Tables.Sum(t => t.RowsEstimate);
        var copied = task.Tables.Sum(t => t.RowsCopied);
        var rows = estimate > 0 ? $"{copied:N0} of ~{estimate:N0} rows" : $"{task.RowsCopied:N0} rows";
        var overall = new ProgressRecord(_activityId, _activity, $"{task.Status}, phase {task.Phase}: {rows}, {task.RowsPerSecond:N0} rows/s")
        {
            PercentComplete = task.Tables.Length > 0 ? (int)task.Tables.Average(t => t.Percent) : -1,
            CurrentOperation = task.Message ?? "",
        };
        yield return overall;
        foreach (var table in task.Tables)
        {
            if (!_tableIds.TryGetValue(table.SourceTable, out var id))
                _tableIds[table.SourceTable] = id = _activityId + 1 + _tableIds.Count;
            yield return new ProgressRecord(id, $"{table.SourceTable} -> {table.TargetTable}",
                $"{table.Status}: {table.RowsCopied:N0} of ~{table.RowsEstimate:N0} rows, chunk {table.ChunksDone} of {table.ChunksTotal}")
            {
                ParentActivityId = _activityId,
                PercentComplete = table.Percent,
                RecordType = table.Percent >= 100 || table.Status == nameof(TaskStatus.Completed) ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
        }
    }

    public IEnumerable<ProgressRecord> Complete()
    {
        foreach (var id in _tableIds.Values)
            yield return new ProgressRecord(id, _activity, "Done.") { ParentActivityId = _activityId, RecordType = ProgressRecordType.Completed };
        yield return new ProgressRecord(_activityId, _activity, "Done.") { RecordType = ProgressRecordType.Completed };
    }
}
