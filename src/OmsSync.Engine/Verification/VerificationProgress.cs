using System.Collections.Concurrent;
using System.Globalization;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>
/// A run's figures per table as its workers produce them: rows and chunks compared, differences by kind.
/// Differences are stored as they are confirmed (up to a bound per table; the counts stay exact beyond it),
/// the figures are written to the state store when <see cref="Flush"/> is called.
/// </summary>
internal sealed class VerificationProgress
{
    /// <summary>Row-level differences stored per table and run; a table differing in more rows needs a new full migration more than a repair.</summary>
    public const int MaxStoredPerTable = 10_000;

    private readonly VerificationStore _store;
    private readonly long _runId;
    private readonly ConcurrentDictionary<string, Counters> _tables = new(StringComparer.Ordinal);

    public VerificationProgress(VerificationStore store, long runId)
    {
        _store = store;
        _runId = runId;
    }

    public void AddTable(TableComparePlan plan, long rowsEstimate) =>
        _tables[plan.Mapping.Source] = new Counters(plan) { RowsEstimate = rowsEstimate };

    /// <summary>A table that could not be verified (its target is missing, say): failed with the reason, the run goes on.</summary>
    public void AddFailedTable(Model.TableMapping mapping, string message) =>
        _store.UpsertTable(new VerificationTableResult
        {
            RunId = _runId, SourceTable = mapping.Source, TargetTable = mapping.Target, Status = "Failed", Message = message,
        });

    public void Compared(TableComparePlan plan, long sourceRows, long targetRows, int chunks = 1)
    {
        var c = _tables[plan.Mapping.Source];
        lock (c)
        {
            c.SourceRows += sourceRows;
            c.TargetRows += targetRows;
            c.Chunks += chunks;
            c.Status = "Verifying";
            c.Dirty = true;
        }
    }

    public void Record(TableComparePlan plan, IReadOnlyCollection<ConfirmedRow> rows)
    {
        var differences = rows.Select(r => new VerificationDifference
        {
            RunId = _runId, SourceTable = plan.Mapping.Source, TargetTable = plan.Mapping.Target, Kind = r.Kind,
            Key = RowImages.KeyJson(plan, (r.Source ?? r.Target)!), KeyValues = r.Key,
            SourceRow = r.Source is null ? null : RowImages.Json(plan, r.Source),
            TargetRow = r.Target is null ? null : RowImages.Json(plan, r.Target),
        }).ToList();
        Store(plan, differences);
    }

    /// <summary>A table without a key: one difference per copy too many or too few, with a sample of the row.</summary>
    public void RecordCopies(TableComparePlan plan, IReadOnlyCollection<ConfirmedCopies> copies,
        IReadOnlyDictionary<ulong, RowImage> sourceRows, IReadOnlyDictionary<ulong, RowImage> targetRows)
    {
        var differences = new List<VerificationDifference>();
        foreach (var c in copies)
        {
            var missing = c.SourceCopies > c.TargetCopies;
            var sample = missing ? sourceRows.GetValueOrDefault(c.Hash) : targetRows.GetValueOrDefault(c.Hash);
            var json = sample is null ? null : RowImages.Json(plan, sample);
            for (var n = 0; n < Math.Abs(c.SourceCopies - c.TargetCopies); n++)
                differences.Add(new VerificationDifference
                {
                    RunId = _runId, SourceTable = plan.Mapping.Source, TargetTable = plan.Mapping.Target,
                    Kind = missing ? DifferenceKind.MissingOnTarget : DifferenceKind.ExtraOnTarget,
                    RowHash = c.Hash.ToString(CultureInfo.InvariantCulture),
                    SourceRow = missing ? json : null, TargetRow = missing ? null : json,
                });
        }
        Store(plan, differences);
    }

    /// <summary>Incremental mode: rows recorded as different earlier are checked again; what was recorded for them is withdrawn.</summary>
    public void Cleared(TableComparePlan plan, IEnumerable<string> keys) => Withdraw(plan, keys);

    /// <summary>Incremental mode: a table without a key is compared afresh; its earlier differences are withdrawn.</summary>
    public void ResetCopies(TableComparePlan plan) => Withdraw(plan, null);

    private void Withdraw(TableComparePlan plan, IEnumerable<string>? keys)
    {
        var c = _tables[plan.Mapping.Source];
        lock (c)
            if (c.Missing + c.Extra + c.Different == 0) return;
        var removed = _store.ClearDifferences(_runId, plan.Mapping.Source, keys);
        lock (c)
        {
            foreach (var kind in removed) Count(c, kind, -1);
            c.Stored -= removed.Count;
            c.Dirty = true;
        }
    }

    public void Finish(TableComparePlan plan, string status)
    {
        var c = _tables[plan.Mapping.Source];
        lock (c)
        {
            c.Status = status;
            c.Dirty = true;
        }
    }

    public long Differences => _tables.Values.Sum(c => { lock (c) return c.Missing + c.Extra + c.Different; });

    public void Flush()
    {
        foreach (var c in _tables.Values)
        {
            VerificationTableResult result;
            lock (c)
            {
                if (!c.Dirty) continue;
                c.Dirty = false;
                result = new VerificationTableResult
                {
                    RunId = _runId, SourceTable = c.Plan.Mapping.Source, TargetTable = c.Plan.Mapping.Target, Status = c.Status,
                    RowsEstimate = c.RowsEstimate, SourceRows = c.SourceRows, TargetRows = c.TargetRows, Chunks = c.Chunks,
                    MissingOnTarget = c.Missing, ExtraOnTarget = c.Extra, Different = c.Different,
                    Message = c.Stored >= MaxStoredPerTable ? $"Only the first {MaxStoredPerTable} differing rows are kept in detail." : null,
                };
            }
            _store.UpsertTable(result);
        }
    }

    private void Store(TableComparePlan plan, List<VerificationDifference> differences)
    {
        if (differences.Count == 0) return;
        var c = _tables[plan.Mapping.Source];
        List<VerificationDifference> kept;
        lock (c)
        {
            foreach (var d in differences) Count(c, d.Kind, 1);
            kept = differences.Take(Math.Max(0, MaxStoredPerTable - c.Stored)).ToList();
            c.Stored += kept.Count;
            c.Dirty = true;
        }
        _store.AddDifferences(kept);
    }

    private static void Count(Counters c, DifferenceKind kind, int by)
    {
        switch (kind)
        {
            case DifferenceKind.MissingOnTarget: c.Missing += by; break;
            case DifferenceKind.ExtraOnTarget: c.Extra += by; break;
            default: c.Different += by; break;
        }
    }

    private sealed class Counters(TableComparePlan plan)
    {
        public TableComparePlan Plan { get; } = plan;
        public string Status = "Pending";
        public long RowsEstimate, SourceRows, TargetRows, Missing, Extra, Different;
        public int Chunks, Stored;
        public bool Dirty = true;
    }
}
