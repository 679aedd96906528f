using Npgsql;
using OmsSync.Engine.Postgres.Apply;
using OmsSync.Engine.Postgres.Logical;
using OmsSync.Engine.Postgres.PreCheck;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Postgres.Verification;
using OmsSync.Engine.Model;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Postgres;

/// <summary>PostgreSQL as <see cref="IProvider"/>.</summary>
internal sealed class PostgresProvider(PostgresEndpoint endpoint) : IProvider
{
    private readonly PostgresVerificationSide _verification = new(endpoint);

    public DataSource Source => endpoint.Source;

    public IVerificationSide Verification => _verification;

    public IRepairTarget Repairs => _verification;

    public async Task ConnectAsync(CancellationToken cancellationToken) =>
        await (await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);

    public Task<IReadOnlyList<CheckResult>> TestAsync(DataSourceRole role, CancellationToken cancellationToken) =>
        PostgresDataSourceChecks.RunAsync(endpoint, role, cancellationToken);

    public async Task<T> ReadSchemaAsync<T>(Func<ISchemaSource, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await read(new PostgresSchemaReader(connection)).ConfigureAwait(false);
    }

    public async Task ForgetCheckpointAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresControlSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
        await PostgresCheckpointStore.DeleteAsync(connection, task.OmsKey, direction, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseChangeSourceAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ReplicationObjects.DropAsync(connection, ReplicationObjects.Name(task, direction), cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw endpoint.Translate(e);
        }
    }

    public async Task ForgetTaskAsync(MigrationTask task, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresControlSchema.ForgetAsync(connection, task.OmsKey, cancellationToken).ConfigureAwait(false);
        // A publication an incremental verification made for a task without one, left by a verification worker that was killed.
        await using var drop = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {PostgresSyntax.QuoteIdentifier(SlotChangeFeed.VerificationPublication(task))}", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public IObjectSource ObjectSource() => new Objects.PostgresObjectSource(endpoint);

    public IObjectTarget ObjectTarget(MigrationTask task) => new Objects.PostgresObjectTarget(endpoint);
}
