using OmsSync.Engine.Changes;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// Settles one strict change that did not go through as written (or a delete coming back from the other direction): reads
/// what the target holds at the change's key, and at other keys holding its unique key values, has
/// <see cref="ConflictDecision"/> decide, writes what it decided through <see cref="IConflictRows"/>, and returns the
/// conflict record (null when there was no conflict after all).
/// </summary>
/// <remarks>
/// Under NewerWins an update that moves a row to another key is a delete at the old key and an insert at the new one,
/// each decided on its own; where both go through, the row is moved (columns the task does not move stay as they are).
/// </remarks>
public sealed class ConflictResolver
{
    private const int Attempts = 3;

    private readonly string _task;
    private readonly Direction _direction;

    public ConflictResolver(string task, Direction direction)
    {
        _task = task;
        _direction = direction;
    }

    /// <summary>
    /// Counts a run of strict writes undone and written again because another writer changed one of its rows meanwhile;
    /// when other writers keep doing so, the batch goes again from the checkpoint instead.
    /// </summary>
    public static int CountRedone(int redone, string table) => redone + 1 < Attempts * 4 ? redone + 1
        : throw new OmsException("ConflictUnsettled", OmsErrorKind.InvalidState, table,
            $"Changes to '{table}' met rows that other writers kept changing while they were written ({redone + 1} tries); they are retried from the checkpoint.");

    public async Task<ConflictRecord?> ResolveAsync(IConflictRows rows, ConflictRule rule, RowChange change, bool keyChanged, CancellationToken cancellationToken)
    {
        // A row another writer put in our way between reading and writing is read again.
        for (var attempt = 1; ; attempt++)
        {
            var (done, record) = change.Kind switch
            {
                RowChangeKind.Delete => (true, await LeaveAsync(rows, rule, change, cancellationToken).ConfigureAwait(false)),
                RowChangeKind.Update when keyChanged => await MoveAsync(rows, rule, change, cancellationToken).ConfigureAwait(false),
                _ => await ArriveAsync(rows, rule, change, cancellationToken).ConfigureAwait(false),
            };
            if (done) return record;
            if (attempt == Attempts)
                throw new OmsException("ConflictUnsettled", OmsErrorKind.InvalidState, rows.Table,
                    $"A change to '{rows.Table}' met a row at its key that other writers kept changing while it was being settled ({attempt} tries); it is retried from the checkpoint.");
        }
    }

    private async Task<ConflictRecord?> LeaveAsync(IConflictRows rows, ConflictRule rule, RowChange change, CancellationToken cancellationToken)
    {
        var before = change.Before!;
        var held = await rows.ReadAsync(before, before, null, cancellationToken).ConfigureAwait(false);
        var verdict = ConflictDecision.AtKey(rule, _direction, RowChangeKind.Delete, change.IsEcho, held, rows.StampOf(before), change.WholeBefore);
        if (verdict.Apply && held is not null) await rows.DeleteAsync(held, cancellationToken).ConfigureAwait(false);
        return verdict.Conflict is { } type ? Record(rows, rule, change, type, verdict.Apply, held?.Json) : null;
    }

    // An insert, or an update that keeps its key: the row arrives at its key if it wins there and no row newer than it
    // holds one of its unique key values; under NewerWins it takes those values from older rows either way.
    private async Task<(bool, ConflictRecord?)> ArriveAsync(IConflictRows rows, ConflictRule rule, RowChange change, CancellationToken cancellationToken)
    {
        var after = change.After!;
        var held = await rows.ReadAsync(change.Before ?? after, change.Before, after, cancellationToken).ConfigureAwait(false);
        var stamp = rows.StampOf(after);
        var verdict = ConflictDecision.AtKey(rule, _direction, change.Kind, false, held, stamp, change.WholeBefore);
        if (verdict is { Conflict: null, Apply: false }) return (true, null);
        var (holders, blocked) = await ClaimAsync(rows, rule, after, stamp, verdict.Apply, null, cancellationToken).ConfigureAwait(false);
        var write = verdict.Apply && !blocked;
        if (write && !await WriteAsync(rows, held, after, cancellationToken).ConfigureAwait(false)) return (false, null);
        var type = verdict.Conflict ?? (holders.Count > 0 ? change.Kind == RowChangeKind.Insert ? ConflictType.InsertExists : ConflictType.UpdateKeyConflict : null);
        return (true, type is { } t ? Record(rows, rule, change, t, write, held?.Json ?? holders.FirstOrDefault()?.Json) : null);
    }

    private async Task<(bool, ConflictRecord?)> MoveAsync(IConflictRows rows, ConflictRule rule, RowChange change, CancellationToken cancellationToken)
    {
        var (before, after) = (change.Before!, change.After!);
        var atOld = await rows.ReadAsync(before, before, after, cancellationToken).ConfigureAwait(false);
        var atNew = await rows.ReadAsync(after, null, after, cancellationToken).ConfigureAwait(false);
        if (atOld is null && atNew is { EqualsAfter: true }) return (true, null);
        var stamp = rows.StampOf(after);
        bool leave, arrive;
        ConflictType? type;
        if (rule.Policy == ConflictPolicy.NewerWins)
        {
            leave = ConflictDecision.AtKey(rule, _direction, RowChangeKind.Delete, false, atOld, rows.StampOf(before), change.WholeBefore).Apply
                    && atOld is not null;
            var arriving = ConflictDecision.AtKey(rule, _direction, RowChangeKind.Insert, false, atNew, stamp);
            arrive = arriving.Apply;
            type = atOld is null ? ConflictType.UpdateMissing : !atOld.EqualsBefore && change.WholeBefore ? ConflictType.UpdateStale
                : atNew is not null ? ConflictType.UpdateKeyConflict : null;
        }
        else
        {
            // Ignore and Overwrite: the row at the old key moves, or (Overwrite) what holds the new key gives way.
            var verdict = ConflictDecision.AtKey(rule, _direction, RowChangeKind.Update, false, atOld, stamp, change.WholeBefore);
            type = verdict.Conflict ?? (atNew is not null ? ConflictType.UpdateKeyConflict : null);
            arrive = verdict.Apply && (atNew is null || rule.Policy == ConflictPolicy.Overwrite);
            leave = arrive && atOld is not null;
        }
        // The row that moves may hold the new image's unique values itself; one that stays is a holder like any other.
        // It is known by its text, not by the condition it was found by: as a holder it is found by another condition.
        var (holders, blocked) = await ClaimAsync(rows, rule, after, stamp, arrive, leave ? atOld!.Json : null, cancellationToken).ConfigureAwait(false);
        var write = arrive && !blocked;
        if (leave && write && atNew is null)
        {
            if (!await rows.TryUpdateAsync(atOld!, after, cancellationToken).ConfigureAwait(false)) return (false, null);
        }
        else
        {
            if (leave && (write || rule.Policy == ConflictPolicy.NewerWins)) await rows.DeleteAsync(atOld!, cancellationToken).ConfigureAwait(false);
            if (write && !await WriteAsync(rows, atNew, after, cancellationToken).ConfigureAwait(false)) return (false, null);
        }
        type ??= holders.Count > 0 ? ConflictType.UpdateKeyConflict : null;
        return (true, type is { } t ? Record(rows, rule, change, t, write, atOld?.Json ?? atNew?.Json ?? holders.FirstOrDefault()?.Json) : null);
    }

    /// <summary>
    /// Rows at other keys holding the image's unique key values: those the arriving row takes the values from are
    /// deleted (under NewerWins even when it is not written itself); blocked when one of them keeps its value.
    /// </summary>
    private async Task<(IReadOnlyList<HeldRow> Holders, bool Blocked)> ClaimAsync(IConflictRows rows, ConflictRule rule, IReadOnlyList<object?> after,
        VersionStamp stamp, bool arriving, string? moving, CancellationToken cancellationToken)
    {
        // Only a row that is written, or under NewerWins claims its values either way, has any business with the holders.
        if (!rows.HasOtherUniqueKeys || !arriving && rule.Policy != ConflictPolicy.NewerWins) return ([], false);
        var holders = (await rows.HoldersAsync(after, cancellationToken).ConfigureAwait(false)).Where(h => h.Json != moving).ToList();
        var taken = holders.Where(h => ConflictDecision.Takes(rule, _direction, stamp, h.Stamp)).ToList();
        var blocked = taken.Count < holders.Count;
        if (rule.Policy == ConflictPolicy.NewerWins || arriving && !blocked)
            foreach (var holder in taken)
                await rows.DeleteAsync(holder, cancellationToken).ConfigureAwait(false);
        return (holders, blocked);
    }

    // The row goes where it decided to: over the row held at its key, or into a key that held none.
    private static Task<bool> WriteAsync(IConflictRows rows, HeldRow? held, IReadOnlyList<object?> after, CancellationToken cancellationToken) =>
        held is null ? rows.TryInsertAsync(after, cancellationToken) : rows.TryUpdateAsync(held, after, cancellationToken);

    private ConflictRecord Record(IConflictRows rows, ConflictRule rule, RowChange change, ConflictType type, bool applied, string? target) => new()
    {
        Task = _task,
        Direction = _direction,
        Table = rows.Table,
        Key = rows.KeyJson(change.Kind == RowChangeKind.Insert ? change.After! : change.Before!),
        Type = type,
        SourceBefore = change.Before is null ? null : rows.RowJson(change.Before),
        SourceAfter = change.After is null ? null : rows.RowJson(change.After),
        TargetRow = target,
        Policy = rule.Policy,
        Outcome = applied ? "AppliedSource" : "KeptTarget",
    };
}
