using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// Turns row changes read in one kind of source's values into the values its target writes (PostgreSQL's text into
/// MySQL-family values, for instance). A pairing of the same kind needs none. Applied after the row filters, which the
/// source evaluates on its own values, and before the target.
/// </summary>
internal interface IValueMapping
{
    RowChange Map(TableApplyPlan plan, RowChange change);
}
