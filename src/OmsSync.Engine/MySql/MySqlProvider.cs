using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Objects;
using OmsSync.Engine.MySql.PreCheck;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.MySql.Verification;
using OmsSync.Engine.Model;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.MySql;

/// <summary>The MySQL family (MySQL, MariaDB, OceanBase MySQL mode, TiDB) as <see cref="IProvider"/>.</summary>
internal sealed class MySqlProvider(MySqlEndpoint endpoint) : IProvider
{
    private readonly MySqlVerificationSide _verification = new(endpoint);

    public DataSource Source => endpoint.Source;

    public IVerificationSide Verification => _verification;

    public IRepairTarget Repairs => _verification;

    public async Task ConnectAsync(CancellationToken cancellationToken) =>
        await (await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);

    public Task<IReadOnlyList<CheckResult>> TestAsync(DataSourceRole role, CancellationToken cancellationToken) =>
        DataSourceChecks.RunAsync(endpoint, role, cancellationToken);

    public async Task<T> ReadSchemaAsync<T>(Func<ISchemaSource, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await read(new MySqlSchemaReader(connection)).ConfigureAwait(false);
    }

    public async Task ForgetCheckpointAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await OmsControlSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
        await CheckpointStore.DeleteAsync(connection, task.OmsKey, direction, cancellationToken).ConfigureAwait(false);
    }

    // A binlog keeps nothing per reader: the checkpoint on the target is all a restart reads.
    public Task ReleaseChangeSourceAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ForgetTaskAsync(MigrationTask task, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await OmsControlSchema.ForgetAsync(connection, task.OmsKey,
            Enum.GetValues<Direction>().Select(d => Ddl.SchemaScratch.DatabaseName(task.OmsKey, d)), cancellationToken).ConfigureAwait(false);
    }

    public IObjectSource ObjectSource() => new Objects.MySqlObjectSource(endpoint);

    public IObjectTarget ObjectTarget(MigrationTask task) => new Objects.MySqlObjectTarget(endpoint, task);
}
