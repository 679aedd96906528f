using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Conflicts;

/// <summary>
/// How a conflict rule decides, for every policy, as a pure function of what the change carries and what the target
/// holds: the appliers of every kind of target and the convergence simulator call these and nothing else.
/// </summary>
/// <remarks>
/// NewerWins (see Conflicts/README.md): a row's version is its timestamp column, NULL oldest. A delete removes the
/// version it saw: it carries its before-image's timestamp and wins over any row no newer than that. Between two rows
/// with the same timestamp the forward direction's source wins, on both sides. A key that holds nothing has no version:
/// any row is newer (a delete made on this side reaches the other side, which decides and sends its delete back).
/// </remarks>
public static class ConflictDecision
{
    /// <summary>
    /// Greater than 0 when the arriving version beats the one held: a row (<paramref name="arrivingIsDelete"/> false)
    /// with its timestamp, or a delete with the timestamp of the row it removed.
    /// </summary>
    public static int Newer(Direction direction, VersionStamp arriving, bool arrivingIsDelete, VersionStamp held)
    {
        var order = arriving.CompareTo(held);
        if (order != 0) return order;
        if (arrivingIsDelete) return 1;
        // Both sides see the same pair from opposite ends: the forward direction's target lets the source's row in,
        // the reverse direction's target keeps its own, so the forward source's row stays on both.
        return direction == Direction.Forward ? 1 : -1;
    }

    /// <summary>
    /// The decision at the key a change names (for an update that moves a row to another key under NewerWins: call it
    /// for the delete at the old key and for the insert at the new one).
    /// </summary>
    /// <param name="held">The row the target holds at the key; null when it holds none.</param>
    /// <param name="arriving">The change's version: its after-image's timestamp, or its before-image's for a delete.</param>
    /// <param name="echo">The delete is the other direction's, coming back (see <see cref="Pipeline.LoopFilter"/>): it is no conflict where nothing is left to delete.</param>
    /// <param name="wholeBefore">The change's before-image is the whole row (see <see cref="RowChange.WholeBefore"/>): only then is a row that differs from it stale.</param>
    public static Verdict AtKey(ConflictRule rule, Direction direction, RowChangeKind kind, bool echo, HeldRow? held, VersionStamp arriving, bool wholeBefore = true)
    {
        var stale = rule.ChecksBeforeImage && wholeBefore;
        var policy = rule.Policy;
        bool Wins(HeldRow row, bool isDelete) => policy switch
        {
            ConflictPolicy.Overwrite => true,
            ConflictPolicy.NewerWins => Newer(direction, arriving, isDelete, row.Stamp) > 0,
            _ => false,
        };
        switch (kind)
        {
            case RowChangeKind.Insert:
                if (held is null) return new Verdict(null, true); // a unique key held by another row is for Takes to settle
                return held.EqualsAfter ? new Verdict(null, false) : new Verdict(ConflictType.InsertExists, Wins(held, isDelete: false));
            case RowChangeKind.Delete:
                if (held is null)
                    // Nothing to delete either way; the outcome names the policy's choice.
                    return echo ? new Verdict(null, false) : new Verdict(ConflictType.DeleteMissing, policy != ConflictPolicy.Ignore);
                if (held.EqualsBefore || !stale) return new Verdict(null, true);
                return new Verdict(ConflictType.UpdateStale, Wins(held, isDelete: true));
            default:
                if (held is null)
                    // NewerWins: nothing held is older than any row (see the remarks).
                    return new Verdict(ConflictType.UpdateMissing, policy != ConflictPolicy.Ignore);
                if (held.EqualsAfter) return new Verdict(null, false);
                if (stale && !held.EqualsBefore) return new Verdict(ConflictType.UpdateStale, Wins(held, isDelete: false));
                return new Verdict(null, true);
        }
    }

    /// <summary>
    /// Whether a row arriving with version <paramref name="arriving"/> takes a unique key value from the row at another
    /// key that holds it (which is then deleted). Under NewerWins the newer row keeps the value, and the arriving row
    /// claims it even where it loses at its own key: both sides then delete the older holder.
    /// </summary>
    public static bool Takes(ConflictRule rule, Direction direction, VersionStamp arriving, VersionStamp holder) => rule.Policy switch
    {
        ConflictPolicy.Overwrite => true,
        ConflictPolicy.NewerWins => Newer(direction, arriving, arrivingIsDelete: false, holder) > 0,
        _ => false,
    };
}
