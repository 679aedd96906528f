using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Schema;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// One kind of database server as OmsSync meets it outside a task's phases: connecting, its pre-checks, reading its
/// schema, and what a task keeps on it (a checkpoint, a change source's slot, rows in its `oms` control tables).
/// The engine never asks which kind of server it holds; <see cref="Providers"/> gives each data source its own.
/// </summary>
internal interface IProvider
{
    DataSource Source { get; }

    /// <summary>Opens and closes one connection; throws the connection's error, named after the data source.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>The pre-checks of the server for a role (connectivity, version, privileges, change log settings).</summary>
    Task<IReadOnlyList<CheckResult>> TestAsync(DataSourceRole role, CancellationToken cancellationToken);

    /// <summary>Reads the server's schema with a reader of its kind, on a connection of its own.</summary>
    Task<T> ReadSchemaAsync<T>(Func<ISchemaSource, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>Deletes a task direction's checkpoint here (this server being its target), so its next start records a new one.</summary>
    Task ForgetCheckpointAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the task's forward checkpoint here (this server being its target) past the DDL the task is paused at, without
    /// applying it (Skip-OmsDdl); refuses when the task has moved past that DDL. A MySQL-family target keeps the DDL's
    /// progress beside its checkpoint; other kinds refuse.
    /// </summary>
    Task SkipDdlAsync(MigrationTask task, Ddl.DdlRecord paused, CancellationToken cancellationToken) =>
        Task.FromException(new Errors.OmsException("DataSourceKindNotSupported", Errors.OmsErrorKind.NotSupported, Source.Name,
            $"Data source '{Source.Name}' is {Source.Kind}; this operation needs a MySQL-family data source."));

    /// <summary>Drops what reading a task direction's changes keeps here (a PostgreSQL slot holds WAL back while it exists).</summary>
    Task ReleaseChangeSourceAsync(MigrationTask task, Direction direction, CancellationToken cancellationToken);

    /// <summary>Deletes what the task (this incarnation only) left in the server's `oms` control tables.</summary>
    Task ForgetTaskAsync(MigrationTask task, CancellationToken cancellationToken);

    /// <summary>The server's objects beyond tables (routines, triggers, events, sequences) and counters, as a task's source.</summary>
    Objects.IObjectSource ObjectSource();

    /// <summary>What the server takes of those objects, and how they are made there, as a task's target.</summary>
    Objects.IObjectTarget ObjectTarget(MigrationTask task);

    /// <summary>The server as verification compares it with another.</summary>
    IVerificationSide Verification { get; }

    /// <summary>The server as the target of a repair of verified differences.</summary>
    IRepairTarget Repairs { get; }
}

/// <summary>The provider of each kind of data source.</summary>
internal static class Providers
{
    public static IProvider For(DataSource source, string password) => source.Kind switch
    {
        DataSourceKind.PostgreSql => new Postgres.PostgresProvider(new Postgres.PostgresEndpoint(source, password)),
        DataSourceKind.Kafka => new Kafka.KafkaProvider(new Kafka.KafkaEndpoint(source, password)),
        _ => new MySql.MySqlProvider(new MySql.MySqlEndpoint(source, password)),
    };
}
