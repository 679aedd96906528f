namespace OmsSync.Engine.Schema;

public enum SchemaDifferenceKind
{
    /// <summary>The target table does not exist (schema migration creates it).</summary>
    MissingTable,
    MissingColumn,
    /// <summary>The target has a column the task does not write; harmless when it is nullable or has a default.</summary>
    ExtraColumn,
    TypeMismatch,
    NullabilityMismatch,
    CharsetMismatch,
    GeneratedMismatch,
    PrimaryKeyMismatch,
}

/// <summary>One way a target table differs from what the task expects. <see cref="Blocking"/> ones stop the task before any row moves.</summary>
public sealed record SchemaDifference(SchemaDifferenceKind Kind, string Table, string? Column, bool Blocking, string Message)
{
    public override string ToString() => Message;
}
