namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The foreign key actions (CASCADE, SET NULL, SET DEFAULT) that reach other tables when a row of a table is deleted or
/// the columns others reference change: <paramref name="OnDelete"/>, the referenced columns whose change acts
/// (<paramref name="OnUpdate"/>), and the target tables those actions may change, directly or further down.
/// </summary>
/// <param name="Children">The foreign keys whose delete action acts on this table's rows, with where they point.</param>
internal sealed record Cascade(bool OnDelete, IReadOnlySet<string> OnUpdate, IReadOnlySet<string> Tables, IReadOnlyList<CascadeChild> Children)
{
    public static readonly Cascade None = new(false, new HashSet<string>(), new HashSet<string>(), []);
}

/// <summary>A child table's foreign key to the parent: its target, its columns, and the parent's columns they reference.</summary>
internal sealed record CascadeChild(string Database, string Table, IReadOnlyList<string> Columns, IReadOnlyList<string> ReferencedColumns,
    Model.ForeignKeyAction OnDelete);
