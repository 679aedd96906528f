namespace OmsSync.Engine.Schema;

/// <summary>A database (schema) and its default character set and collation.</summary>
public sealed record DatabaseSchema(string Name, string? Charset, string? Collation);
