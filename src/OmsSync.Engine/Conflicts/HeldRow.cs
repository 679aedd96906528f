namespace OmsSync.Engine.Conflicts;

/// <summary>A row found on the target, locked: how it compares with the change, its version, and how to name it again.</summary>
/// <param name="Where">The target's condition that finds exactly this row again (by its key, a unique value it holds, or its tuple id).</param>
/// <param name="Json">The row as the conflict log shows it.</param>
public sealed record HeldRow(bool EqualsBefore, bool EqualsAfter, VersionStamp Stamp, string Where, string Json);
