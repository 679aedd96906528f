using MySqlConnector;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Pipeline;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>The task's row filters evaluated by a MySQL-family source on a connection of their own (<see cref="RowFilterEvaluator"/>).</summary>
internal sealed class MySqlRowFilter(MySqlConnection source) : IRowFilter
{
    public Task<RowChange?[]> ThroughAsync(IReadOnlyList<(TableApplyPlan Plan, RowChange Change)> changes, CancellationToken cancellationToken) =>
        RowFilterEvaluator.ThroughAsync(source, changes, cancellationToken);

    public ValueTask DisposeAsync() => source.DisposeAsync();
}
