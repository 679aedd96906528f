namespace OmsSync.Engine.MySql.Schema;

/// <summary>How <see cref="MySqlDdlWriter"/> writes a table on the target.</summary>
public sealed record CreateTableOptions
{
    /// <summary>The target database; null keeps the source's.</summary>
    public string? TargetDatabase { get; init; }
    /// <summary>The target table name; null keeps the source's.</summary>
    public string? TargetTable { get; init; }
    /// <summary>The columns to migrate (matched case-insensitively, as MySQL matches column names); null for all.</summary>
    public IReadOnlyList<string>? Columns { get; init; }
    /// <summary>
    /// False to leave non-unique indexes (ordinary, FULLTEXT and SPATIAL) out of CREATE TABLE, to be built
    /// after full migration with <see cref="MySqlDdlWriter.AddSecondaryIndexes"/>.
    /// </summary>
    public bool IncludeSecondaryIndexes { get; init; } = true;
    /// <summary>
    /// Write a system-versioned table as an ordinary one whose period columns are ordinary columns, keyed as the
    /// versioned table is: it takes every row version, current and history, as the source's binlog and copy carry
    /// them. Versioning is added at cut-over (<see cref="MySqlDdlWriter.CreateTable"/> without this writes it whole).
    /// </summary>
    public bool VersioningDeferred { get; init; }
    /// <summary>Write CREATE TABLE IF NOT EXISTS.</summary>
    public bool IfNotExists { get; init; }
}
