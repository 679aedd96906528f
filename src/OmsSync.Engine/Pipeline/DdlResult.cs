using OmsSync.Engine.Changes;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>What applying one DDL left for the runner to do.</summary>
/// <param name="Tables">The task's tables after the DDL, when they changed (in set or shape).</param>
/// <param name="Reload">The reverse direction must read its tables anew (a table of the task was created, renamed or dropped on its side).</param>
/// <param name="CatchUp">Tables that joined with a copy of their rows, each with the source position the copy may hold changes up to.</param>
internal sealed record DdlResult(Dictionary<(string, string), TaskTable>? Tables, bool Reload, IReadOnlyList<(string Table, SourcePosition Until)> CatchUp)
{
    public static readonly DdlResult Nothing = new(null, false, []);
}
