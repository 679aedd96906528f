using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>What a DDL statement does, as far as synchronizing tables is concerned.</summary>
public enum DdlKind
{
    CreateTable,
    AlterTable,
    RenameTable,
    DropTable,
    TruncateTable,
    CreateIndex,
    DropIndex,
    DropDatabase,
    /// <summary>Changes no table's shape or rows: triggers, views, routines, grants, ANALYZE/OPTIMIZE, CREATE DATABASE ...</summary>
    NoSchemaChange,
    /// <summary>A statement this parser does not know.</summary>
    Unknown,
}

/// <summary>What a table name stands for in its statement.</summary>
public enum DdlNameRole
{
    /// <summary>The table the statement creates, alters, drops, truncates or indexes.</summary>
    Subject,
    RenameFrom,
    RenameTo,
    /// <summary>CREATE TABLE ... LIKE this.</summary>
    Like,
    /// <summary>The other table of EXCHANGE PARTITION or CONVERT PARTITION/TABLE.</summary>
    Partner,
    /// <summary>FOREIGN KEY ... REFERENCES this.</summary>
    Referenced,
}

/// <summary>
/// A table name in a statement: tokens <see cref="First"/> to <see cref="Last"/> (indexes into
/// <see cref="DdlStatement.Tokens"/>), the database when written, and the table.
/// </summary>
public sealed record DdlTableName(int First, int Last, string? Database, string Name, DdlNameRole Role)
{
    /// <summary>The name qualified with the statement's default database; null when neither gives a database.</summary>
    public (string Database, string Name)? Resolve(string defaultDatabase) =>
        Database is not null ? (Database, Name) : defaultDatabase.Length > 0 ? (defaultDatabase, Name) : null;
}

/// <summary>The kinds of clauses: ALTER TABLE specifications, CREATE TABLE elements and list items of RENAME/DROP TABLE.</summary>
public enum DdlClauseKind
{
    AddColumn,
    DropColumn,
    ModifyColumn,
    ChangeColumn,
    RenameColumn,
    AlterColumn,
    AddIndex,
    DropIndex,
    RenameIndex,
    AlterIndex,
    DropPrimaryKey,
    AddCheck,
    DropCheck,
    /// <summary>DROP CONSTRAINT name: a CHECK, a unique key or a foreign key, depending on the table.</summary>
    DropConstraint,
    AddForeignKey,
    DropForeignKey,
    /// <summary>ALTER TABLE ... RENAME TO name.</summary>
    RenameTable,
    TableOption,
    Partition,
    /// <summary>EXCHANGE PARTITION ... WITH TABLE, CONVERT PARTITION ... TO TABLE, CONVERT TABLE ... TO PARTITION: rows move between tables.</summary>
    MovesRows,
    Other,
    /// <summary>A column definition of CREATE TABLE.</summary>
    Column,
    /// <summary>A key or index of CREATE TABLE (primary, unique, plain, FULLTEXT, SPATIAL).</summary>
    Index,
    /// <summary>A CHECK constraint of CREATE TABLE.</summary>
    Check,
    /// <summary>A FOREIGN KEY of CREATE TABLE.</summary>
    ForeignKey,
    /// <summary>One "a TO b" pair of RENAME TABLE.</summary>
    RenamePair,
    /// <summary>One table of DROP TABLE.</summary>
    DropItem,
}

/// <summary>
/// One clause, tokens <see cref="First"/> to <see cref="Last"/>; <see cref="Separator"/> is the comma before it
/// (-1 for the first clause). <see cref="Columns"/> are the columns it concerns: the column added, dropped,
/// modified or renamed (its old name), the columns of an index, the identifiers of a CHECK expression.
/// </summary>
public sealed record DdlClause(DdlClauseKind Kind, int First, int Last, int Separator, IReadOnlyList<string> Columns,
    string? NewColumn = null, string? IndexName = null, IReadOnlyList<DdlTableName>? Names = null)
{
    public IReadOnlyList<DdlTableName> TableNames => Names ?? [];
}

/// <summary>A parsed DDL statement: its tokens, its kind, the tables it names and its clauses.</summary>
public sealed class DdlStatement
{
    internal DdlStatement(string text, IReadOnlyList<MySqlToken> tokens, DdlKind kind, IReadOnlyList<DdlTableName> tables,
        IReadOnlyList<DdlClause> clauses, bool ifExists, bool ifNotExists, bool orReplace, string? database)
    {
        Text = text;
        Tokens = tokens;
        Kind = kind;
        Tables = tables;
        Clauses = clauses;
        IfExists = ifExists;
        IfNotExists = ifNotExists;
        OrReplace = orReplace;
        Database = database;
    }

    public string Text { get; }
    public IReadOnlyList<MySqlToken> Tokens { get; }
    public DdlKind Kind { get; }
    /// <summary>Every table name, in statement order (including those inside clauses).</summary>
    public IReadOnlyList<DdlTableName> Tables { get; }
    public IReadOnlyList<DdlClause> Clauses { get; }
    public bool IfExists { get; }
    public bool IfNotExists { get; }
    /// <summary>CREATE OR REPLACE TABLE (MariaDB).</summary>
    public bool OrReplace { get; }
    /// <summary>The database of DROP DATABASE.</summary>
    public string? Database { get; }

    /// <summary>The table the statement is about (CREATE, ALTER, TRUNCATE, CREATE/DROP INDEX), or null.</summary>
    public DdlTableName? Subject => Tables.FirstOrDefault(t => t.Role == DdlNameRole.Subject);

    /// <summary>CREATE TABLE ... LIKE this, or null.</summary>
    public DdlTableName? Like => Tables.FirstOrDefault(t => t.Role == DdlNameRole.Like);

    /// <summary>
    /// Every name the text could use for a table, for statements this parser does not know: each identifier
    /// alone and each dotted pair. It errs on the side of finding too much.
    /// </summary>
    public IEnumerable<(string? Database, string Name)> MentionedNames()
    {
        var significant = Tokens.Where(t => !t.IsTrivia).ToList();
        for (var i = 0; i < significant.Count; i++)
        {
            if (!significant[i].IsIdentifier) continue;
            var qualified = i + 2 < significant.Count && significant[i + 1].IsSymbol(".") && significant[i + 2].IsIdentifier;
            yield return qualified ? (significant[i].IdentifierValue, significant[i + 2].IdentifierValue) : (null, significant[i].IdentifierValue);
        }
    }

    public override string ToString() => Text;
}
