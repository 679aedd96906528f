using System.Text.Json;
using NpgsqlTypes;

namespace OmsSync.Engine.Sources.Postgres;

/// <summary>A PostgreSQL source's position as a checkpoint stores it: {"Lsn":"0/16B3748"}.</summary>
internal static class LsnPosition
{
    private sealed record Stored(string Lsn);

    public static string Serialize(NpgsqlLogSequenceNumber lsn) => JsonSerializer.Serialize(new Stored(lsn.ToString()));

    public static NpgsqlLogSequenceNumber Parse(string text) =>
        JsonSerializer.Deserialize<Stored>(text) is { Lsn: { } lsn } ? NpgsqlLogSequenceNumber.Parse(lsn)
            : throw new FormatException($"Not a PostgreSQL checkpoint position: {text}. The task's checkpoint was written by another kind of source.");
}
