namespace OmsSync.Engine.Conflicts;

/// <summary>What a DBA decides about a logged conflict.</summary>
public enum ConflictAction { ApplySource, KeepTarget }
