using OmsSync.Engine.Model;

namespace OmsSync.Engine.Schema;

/// <summary>
/// What a task needs to know of a source server's objects: its databases (PostgreSQL: the schemas of the
/// connected database), their tables and views, and the tables' definitions.
/// </summary>
public interface ISchemaSource
{
    Task<IReadOnlyList<DatabaseSchema>> ListDatabasesAsync(bool includeSystem = false, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SchemaObject>> ListObjectsAsync(string database, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TableSchema>> ReadTablesAsync(string database, IEnumerable<string>? tables = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ViewSchema>> ReadViewsAsync(string database, IEnumerable<string>? views = null, CancellationToken cancellationToken = default);
}
