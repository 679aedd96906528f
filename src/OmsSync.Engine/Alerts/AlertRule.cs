namespace OmsSync.Engine.Alerts;

/// <summary>What an alert watches (OMS alert items).</summary>
public enum AlertKind
{
    /// <summary>A direction's lag above Threshold seconds for ForSeconds (OMS oms_sync_delay).</summary>
    Lag,
    /// <summary>A direction failed: stopped with an error, or its worker died and was not restarted (OMS oms_migration_failed).</summary>
    TaskFailed,
    /// <summary>A direction's worker died and the supervisor started a new one.</summary>
    WorkerRestarted,
    /// <summary>A direction is paused at a DDL it did not apply (Skip-OmsDdl or Resume-OmsTask goes on).</summary>
    DdlPaused,
    /// <summary>More than Threshold conflicts a minute in a direction.</summary>
    Conflicts,
    /// <summary>The task's verification found rows that differ (until a later verification or repair leaves none).</summary>
    VerificationDifferences,
}

/// <summary>
/// One alert rule of a task: what to watch and where to deliver its alerts. The webhook's address is kept encrypted
/// (it often carries a token), like a data source's password; a command line is run as it is written.
/// </summary>
public sealed record AlertRule
{
    public required AlertKind Kind { get; init; }
    /// <summary>Lag: seconds; Conflicts: conflicts a minute. Unused by the other kinds.</summary>
    public double Threshold { get; init; }
    /// <summary>How long the condition must hold before the alert starts (Lag; 0 for at once).</summary>
    public int ForSeconds { get; init; }
    /// <summary>The webhook's URL, encrypted for this state home (see <see cref="AlertWebhook"/>); null for none.</summary>
    public byte[]? Webhook { get; init; }
    /// <summary>Where the webhook goes, without path or query (which may hold a token), for display.</summary>
    public string? WebhookHost { get; init; }
    /// <summary>A command line run for each alert started and cleared, with the alert as JSON in OMSSYNC_ALERT.</summary>
    public string? Command { get; init; }
}
