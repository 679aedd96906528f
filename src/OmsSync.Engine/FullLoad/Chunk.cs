namespace OmsSync.Engine.FullLoad;

/// <summary>A range of a table's key: (Lower, Upper]; a null bound is open.</summary>
internal sealed record Chunk(int Number, IReadOnlyList<string?>? Lower, IReadOnlyList<string?>? Upper);
