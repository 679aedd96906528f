using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>Where a table's shape after a DDL comes from.</summary>
internal enum ShapeSource
{
    /// <summary>The DDL changes its rows or nothing, not its shape (TRUNCATE, a no-op CREATE IF NOT EXISTS).</summary>
    Unchanged,
    /// <summary>The statement run on the table's shape before it.</summary>
    Statement,
    /// <summary>Another table's shape: the old name of a renamed table, or the ghost table an online schema change swaps in.</summary>
    CopyOf,
    /// <summary>The source's present definition (a table renamed in from outside the task, a statement of unknown effect).</summary>
    Current,
    /// <summary>The table no longer exists under this name.</summary>
    Gone,
}

/// <summary>
/// What a DDL does to one source table: its shape, whether it belongs to the task from there on and under which
/// mapping. <see cref="Arrives"/>: it joins with rows already in it (renamed in), so the target table is created
/// from its shape and its rows copied. <see cref="CreateFromShape"/>: the statement cannot run on the target as
/// written (CREATE TABLE ... LIKE a table outside the task), so the target table is created from its shape.
/// </summary>
internal sealed record TableChange((string Database, string Table) Source, ShapeSource Shape, TableMapping? Mapping, bool Member,
    (string Database, string Table)? CopyFrom = null, bool Arrives = false, bool CreateFromShape = false);

/// <summary>
/// What one DDL statement means for a task direction, decided by <see cref="DdlPlanner"/> from the statement, the
/// task's tables before it and its rules. The schema tracker records <see cref="Changes"/>; the applier runs the
/// rewritten statement (<see cref="TargetSql"/>) and what else the plan asks of the target.
/// </summary>
internal sealed class DdlPlan
{
    public DdlPlan(DdlStatement statement, string database)
    {
        Statement = statement;
        Database = database;
    }

    public DdlStatement Statement { get; }
    /// <summary>The session's default database of the statement on the source.</summary>
    public string Database { get; }
    /// <summary>False when the statement has nothing to do with the task.</summary>
    public bool Concerns { get; set; }
    /// <summary>Why the statement cannot be synchronized: the task pauses at it.</summary>
    public string? Unsupported { get; set; }
    /// <summary>A statement on an online schema change tool's ghost table: held until the tool swaps the tables.</summary>
    public bool Deferred { get; set; }
    /// <summary>The source table ("db.table") the statement is about, for the log.</summary>
    public string? Subject { get; set; }
    public List<TableChange> Changes { get; } = [];
    /// <summary>Target names by the first token of each source name the rewritten statement keeps.</summary>
    public Dictionary<int, string> TargetNames { get; } = [];
    /// <summary>The target tables the rewritten statement touches.</summary>
    public List<(string Database, string Table)> TargetTables { get; } = [];
    /// <summary>Clauses left out of the target statement.</summary>
    public HashSet<DdlClause> Removed { get; } = [];
    /// <summary>Whether the rewritten statement runs on the target.</summary>
    public bool RunsStatement { get; set; }
    /// <summary>An online schema change's table swap: the statements held for the ghost table are applied to the original's target table.</summary>
    public ((string Database, string Table) Ghost, (string Database, string Table) Original)? CutOver { get; set; }
    /// <summary>Why nothing (or not all) of the statement goes to the target, for the log.</summary>
    public string? Note { get; set; }

    /// <summary>The statement for the target, or null when nothing of it runs there.</summary>
    public string? TargetSql => RunsStatement
        ? DdlRewriter.Rewrite(Statement, n => TargetNames.GetValueOrDefault(n.First), c => !Removed.Contains(c))
        : null;

    /// <summary>Whether the statement names one of the task's tables (as they stood before it).</summary>
    public bool TouchesMember { get; set; }
    /// <summary>Whether a table joins or leaves the task.</summary>
    public bool MembershipChanged { get; set; }

    public void Change(TableChange change)
    {
        Concerns = true;
        Changes.Add(change);
    }

    /// <summary>A shape to record for a table outside the task, which concerns neither the target nor the DDL log.</summary>
    public void Track(TableChange change) => Changes.Add(change);
}
