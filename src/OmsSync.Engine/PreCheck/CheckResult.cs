namespace OmsSync.Engine.PreCheck;

public enum CheckStatus { Pass, Warn, Fail }

/// <summary>One pre-check item: what was checked, how it went, and what to do about it.</summary>
public sealed record CheckResult(string Check, CheckStatus Status, string Message, string? Target = null)
{
    public static CheckResult Pass(string check, string message, string? target = null) => new(check, CheckStatus.Pass, message, target);
    public static CheckResult Warn(string check, string message, string? target = null) => new(check, CheckStatus.Warn, message, target);
    public static CheckResult Fail(string check, string message, string? target = null) => new(check, CheckStatus.Fail, message, target);
}
