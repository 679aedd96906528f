namespace OmsSync.Engine.Pipeline;

/// <summary>
/// The foreign key actions (CASCADE, SET NULL, SET DEFAULT) that reach other tables when a row of a table is deleted or
/// the columns others reference change: <paramref name="OnDelete"/>, the referenced columns whose change acts
/// (<paramref name="OnUpdate"/>), and the target tables those actions may change, directly or further down.
/// </summary>
internal sealed record Cascade(bool OnDelete, IReadOnlySet<string> OnUpdate, IReadOnlySet<string> Tables)
{
    public static readonly Cascade None = new(false, new HashSet<string>(), new HashSet<string>());
}
