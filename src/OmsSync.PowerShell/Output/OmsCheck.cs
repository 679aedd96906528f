using OmsSync.Engine.PreCheck;

namespace OmsSync.PowerShell.Output;

/// <summary>One pre-check item: what was checked, how it went, and what to do about it.</summary>
public sealed class OmsCheck
{
    internal OmsCheck(CheckResult result, string? source)
    {
        Check = result.Check;
        Status = result.Status;
        Message = result.Message;
        Target = result.Target;
        Source = source;
    }

    /// <summary>The check's stable name (Connectivity, Version, Binlog, ...).</summary>
    public string Check { get; }
    public CheckStatus Status { get; }
    public string Message { get; }
    /// <summary>The object checked: a data source, a table.</summary>
    public string? Target { get; }
    /// <summary>The data source or task that was tested.</summary>
    public string? Source { get; }

    public override string ToString() => $"{Check}: {Status}";
}
