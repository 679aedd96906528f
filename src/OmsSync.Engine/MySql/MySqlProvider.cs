using OmsSync.Engine.Ddl;
using OmsSync.Engine.Errors;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Ddl;
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

    public async Task SkipDdlAsync(MigrationTask task, DdlRecord paused, CancellationToken cancellationToken)
    {
        await using var target = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await OmsControlSchema.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        await DdlProgressStore.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        var checkpoint = await CheckpointStore.ReadAsync(target, task.OmsKey, Direction.Forward, cancellationToken).ConfigureAwait(false);
        var start = CheckpointPosition.Parse(paused.StartPosition);
        if (checkpoint is null || CheckpointPosition.Compare(checkpoint.Position, start) > 0)
            throw new OmsException("NoPausedDdl", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' has moved past the DDL it was paused at ({paused.Statement}); there is nothing to skip.");
        await using var transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await CheckpointStore.WriteAsync(target, transaction, task.OmsKey, Direction.Forward,
            CheckpointPosition.Parse(paused.EndPosition), null, 1, cancellationToken).ConfigureAwait(false);
        await DdlProgressStore.ClearAsync(target, transaction, task.OmsKey, Direction.Forward, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
