using System.Management.Automation;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Internal;

/// <summary>Write-Progress records for a verification being watched: one overall bar and one per table under it.</summary>
internal sealed class VerificationProgressView(int activityId, string task)
{
    private readonly string _activity = $"Verifying task {task}";
    private readonly Dictionary<string, int> _tableIds = new(StringComparer.Ordinal);

    public IEnumerable<ProgressRecord> Update(IReadOnlyList<OmsVerificationResult> tables, string? message)
    {
        var estimate = tables.Sum(t => t.RowsEstimate);
        var compared = tables.Sum(t => t.SourceRows);
        var differences = tables.Sum(t => t.Differences);
        yield return new ProgressRecord(activityId, _activity, $"{compared:N0} of ~{estimate:N0} rows compared, {differences:N0} difference(s)")
        {
            PercentComplete = estimate > 0 ? (int)Math.Min(100, compared * 100 / estimate) : -1,
            CurrentOperation = message ?? "",
        };
        foreach (var table in tables)
        {
            if (!_tableIds.TryGetValue(table.SourceTable, out var id))
                _tableIds[table.SourceTable] = id = activityId + 1 + _tableIds.Count;
            var done = table.Status is not ("Pending" or "Verifying");
            yield return new ProgressRecord(id, $"{table.SourceTable} -> {table.TargetTable}",
                $"{table.Status}: {table.SourceRows:N0} of ~{table.RowsEstimate:N0} rows, {table.Chunks} chunk(s), {table.Differences:N0} difference(s)")
            {
                ParentActivityId = activityId,
                PercentComplete = done ? 100 : table.RowsEstimate > 0 ? (int)Math.Min(99, table.SourceRows * 100 / table.RowsEstimate) : -1,
                RecordType = done ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
        }
    }

    public IEnumerable<ProgressRecord> Complete()
    {
        foreach (var id in _tableIds.Values)
            yield return new ProgressRecord(id, _activity, "Done.") { ParentActivityId = activityId, RecordType = ProgressRecordType.Completed };
        yield return new ProgressRecord(activityId, _activity, "Done.") { RecordType = ProgressRecordType.Completed };
    }
}
