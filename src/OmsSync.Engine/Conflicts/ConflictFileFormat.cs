namespace OmsSync.Engine.Conflicts;

/// <summary>What a conflict export is written as.</summary>
public enum ConflictFileFormat { Csv, Json }
