namespace OmsSync.Engine.Tasks;

/// <summary>
/// OMS-style sizes for a task (-Resources): how many readers and writers it runs and how much memory its incremental
/// phase holds before a transaction's rows wait in a spill file. Parameters given beside a size override it.
/// </summary>
public enum TaskResources
{
    /// <summary>1 reader, 1 writer, 32 MB of changes in memory: a small database, or a busy shared host.</summary>
    Small,
    /// <summary>2 readers, 2 writers, 64 MB: the defaults.</summary>
    Medium,
    /// <summary>4 readers, 8 writers, 256 MB: large tables and a busy source, on a host with cores to spare.</summary>
    Large,
}

/// <summary>The settings each <see cref="TaskResources"/> size stands for.</summary>
public sealed record ResourcePreset(int ReadConcurrency, int WriteConcurrency, long IncrementalMemoryLimit)
{
    public static ResourcePreset Of(TaskResources size) => size switch
    {
        TaskResources.Small => new(1, 1, 32L << 20),
        TaskResources.Large => new(4, 8, 256L << 20),
        _ => Default,
    };

    /// <summary>What a task gets when neither a size nor the parameters are given.</summary>
    public static readonly ResourcePreset Default = new(2, 2, Changes.Spill.TransactionSpillOptions.DefaultMemoryLimitBytes);
}
