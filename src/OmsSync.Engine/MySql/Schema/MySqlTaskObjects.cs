using MySqlConnector;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.MySql.Schema;

/// <summary>A task's objects resolved on a MySQL-family source, read by <see cref="MySqlSchemaReader"/>.</summary>
internal static class MySqlTaskObjects
{
    public static async Task<TaskObjects> ResolveAsync(MySqlEndpoint source, MigrationTask task, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ResolveAsync(connection, task, cancellationToken).ConfigureAwait(false);
    }

    public static Task<TaskObjects> ResolveAsync(MySqlConnection connection, MigrationTask task, CancellationToken cancellationToken) =>
        TaskObjects.ResolveAsync(new MySqlSchemaReader(connection), task, cancellationToken);
}
