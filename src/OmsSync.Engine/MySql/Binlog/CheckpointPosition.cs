using System.Text.Json;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// Binlog positions as stored in checkpoints (JSON), and their order. Positions order by binlog file
/// sequence number, then offset: the number after the last dot of the file name.
/// </summary>
public static class CheckpointPosition
{
    private sealed record Stored(string File, long Position, string? Gtids, string Flavor);

    public static string Serialize(BinlogPosition position) =>
        JsonSerializer.Serialize(new Stored(position.File, position.Position, position.Gtids, position.Flavor.ToString()));

    public static BinlogPosition Parse(string text)
    {
        var stored = JsonSerializer.Deserialize<Stored>(text) ?? throw new FormatException($"Not a checkpoint position: {text}");
        return new BinlogPosition(stored.File, stored.Position, stored.Gtids, Enum.Parse<BinlogServerFlavor>(stored.Flavor));
    }

    /// <summary>Negative when <paramref name="a"/> comes before <paramref name="b"/> in the binlog.</summary>
    public static int Compare(BinlogPosition a, BinlogPosition b)
    {
        var byFile = FileSequence(a.File).CompareTo(FileSequence(b.File));
        return byFile != 0 ? byFile : a.Position.CompareTo(b.Position);
    }

    public static long FileSequence(string file)
    {
        var dot = file.LastIndexOf('.');
        return dot >= 0 && long.TryParse(file.AsSpan(dot + 1), out var n) ? n : 0;
    }
}
