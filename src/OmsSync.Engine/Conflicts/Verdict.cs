namespace OmsSync.Engine.Conflicts;

/// <summary>The decision at one key: the conflict met (null for none) and whether the change's effect is written there.</summary>
public readonly record struct Verdict(ConflictType? Conflict, bool Apply);
