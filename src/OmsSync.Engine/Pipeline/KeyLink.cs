namespace OmsSync.Engine.Pipeline;

/// <summary>
/// A key a foreign key links two tables by, seen from one of them: <paramref name="Name"/> is the same for the parent's
/// key and every child's reference to it (the parent's target and the referenced columns); <paramref name="Columns"/> are
/// where the values stand in this table's row image. When some column compares text by an insensitive collation the link
/// is not <paramref name="Exact"/> and names the key alone, so every row on either side of it meets every other.
/// </summary>
internal sealed record KeyLink(string Name, IReadOnlyList<int> Columns, bool Exact);
