using System.Text.Json;
using NpgsqlTypes;
using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>A PostgreSQL source's position: a WAL location (LSN), stored in checkpoints as {"Lsn":"0/16B3748"}.</summary>
internal sealed record PostgresPosition(NpgsqlLogSequenceNumber Lsn) : SourcePosition
{
    private sealed record Stored(string Lsn);

    public override string Serialize() => JsonSerializer.Serialize(new Stored(Lsn.ToString()));

    public override string Key => Lsn.ToString();

    public override (long Major, long Minor) SortKey => (0, (long)(ulong)Lsn);

    public override int CompareTo(SourcePosition? other) => other is PostgresPosition postgres
        ? Lsn.CompareTo(postgres.Lsn)
        : throw new ArgumentException($"A PostgreSQL position cannot be compared with {other?.GetType().Name ?? "null"}.", nameof(other));

    public static PostgresPosition Parse(string text) =>
        JsonSerializer.Deserialize<Stored>(text) is { Lsn: { } lsn } ? new PostgresPosition(NpgsqlLogSequenceNumber.Parse(lsn))
            : throw new FormatException($"Not a PostgreSQL checkpoint position: {text}. The task's checkpoint was written by another kind of source.");

    public override string ToString() => Lsn.ToString();
}
