using OmsSync.Engine.Model;

namespace OmsSync.Engine.FullLoad;

/// <summary>
/// How one column is read on the source for the target: the expression the source's SELECT reads it by, and whether
/// the target assigns it through a variable. The source's provider makes them for the target's kind
/// (<see cref="MySql.Copy.MySqlColumnTransfer"/>, <see cref="Postgres.Copy.PostgresColumnTransfer"/>).
/// </summary>
internal sealed class ColumnTransfer
{
    internal ColumnTransfer(ColumnSchema column, string selectExpression, bool viaVariable, string? assignExpression)
    {
        Column = column;
        SelectExpression = selectExpression;
        ViaVariable = viaVariable;
        AssignExpression = assignExpression;
    }

    public ColumnSchema Column { get; }
    /// <summary>The expression to SELECT on the source; it yields a binary string.</summary>
    public string SelectExpression { get; }
    /// <summary>True when LOAD DATA reads the field into a user variable and a SET clause assigns it.</summary>
    public bool ViaVariable { get; }
    /// <summary>With <see cref="ViaVariable"/>: the expression over the variable {0} to assign.</summary>
    public string? AssignExpression { get; }
}
