using System.Text;
using OmsSync.Engine.Changes;
using OmsSync.Engine.FullLoad;

namespace OmsSync.Engine.Verification;

/// <summary>
/// The two servers of a task as verification compares them, composed by the pairing (Pipeline.Pairing): each side,
/// how a key value from the source's change stream is written as a literal on each side (the target's through the
/// same value mapping the task's changes take), the source's change feed, and how a repair reads and writes rows.
/// </summary>
internal sealed record VerificationPair(
    IVerificationSide Source,
    IVerificationSide Target,
    RepairWay Repairs,
    KeyLiterals SourceKey,
    KeyLiterals TargetKey,
    Func<IReadOnlyList<TableComparePlan>, IChangeFeed> Changes,
    RepairWay? ReverseRepairs = null)
{
    public IVerificationSide SideOf(Side side) => side == Side.Source ? Source : Target;

    /// <summary>An error of either server, named after its data source.</summary>
    public Exception Translate(Exception error)
    {
        var translated = Source.Translate(error);
        return ReferenceEquals(translated, error) ? Target.Translate(error) : translated;
    }
}

/// <summary>Writes a value of a source change's row image as a literal of one side's SQL for one key column.</summary>
internal delegate void KeyLiteral(StringBuilder sql, object? value);

/// <summary>
/// The key literal writer of a plan's column, made once and kept by the caller: its conversions are worked out from the
/// column's types, not for each value of every change.
/// </summary>
internal delegate KeyLiteral KeyLiterals(TableComparePlan plan, ComparedColumn column);

/// <summary>
/// The source's changes as incremental verification follows them: whole transactions in commit order, from now or from
/// a time in the past where the source can go back that far, read again after a lost connection. It reads beside the
/// task's own synchronization and takes nothing from it.
/// </summary>
internal interface IChangeFeed
{
    /// <summary>Reads until cancelled; <paramref name="log"/> says where reading starts.</summary>
    IAsyncEnumerable<SourceTransaction> ReadAsync(DateTimeOffset? since, Action<string> log, CancellationToken cancellationToken);
}

/// <summary>
/// How a repair reads the values it writes from the source: each compared column's select expression as the full copy
/// reads it for this target (<see cref="TableCopyPlan.Transfers"/>), and, where the source's text is not the target's,
/// a converter per column.
/// </summary>
internal sealed record RepairColumns(TableCopyPlan Copy, IReadOnlyList<Func<string, string>?>? Converters = null)
{
    /// <summary>The select expressions, in order.</summary>
    public string SelectList => string.Join(", ", Copy.Transfers.Select(t => t.SelectExpression));
}

/// <summary>
/// One way a repair copies rows: read from one side (the values as <see cref="Columns"/> reads them for the other) and
/// written to the other by its server's <see cref="IRepairTarget"/>. Forward makes the target equal to the source;
/// reverse, for a bidirectional task whose sides both write, the source to the target.
/// </summary>
internal sealed record RepairWay(Side From, IRepairTarget Writer, Func<TableComparePlan, RepairColumns> Columns)
{
    public Side To => From == Side.Source ? Side.Target : Side.Source;
}

/// <summary>A kind of server as the target of a repair: the statements that make its rows equal to the source's, in its own SQL.</summary>
internal interface IRepairTarget
{
    /// <summary>
    /// The statements that make the row with this key on <paramref name="side"/> (the side written) equal to the other
    /// side's row (values as <see cref="RepairColumns"/> read them).
    /// </summary>
    IEnumerable<string> Replace(TableComparePlan plan, Side side, RepairColumns columns, string key, byte[]?[] row);

    /// <summary>Deletes the row with exactly this key (on the source, only within the task's row filter).</summary>
    string Delete(TableComparePlan plan, Side side, string key);

    /// <summary>Adds a copy of a row (a table without a key).</summary>
    string Insert(TableComparePlan plan, Side side, RepairColumns columns, byte[]?[] row);

    /// <summary>Deletes <paramref name="count"/> copies of the row with this hash (a table without a key).</summary>
    string DeleteCopies(TableComparePlan plan, Side side, ulong hash, long count);

    /// <summary>Runs statements in one transaction.</summary>
    Task ApplyAsync(IReadOnlyList<string> statements, CancellationToken cancellationToken);

    /// <summary>The session settings a script begins with, and how it opens a transaction.</summary>
    IReadOnlyList<string> ScriptPreamble { get; }
    string BeginTransaction { get; }
}
