using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Alerts;

/// <summary>
/// Delivers an alert's start and clearing to its rule's webhook (HTTP POST of the alert as JSON) and command line
/// (the alert as JSON in OMSSYNC_ALERT), each in the background with retries and backoff, so a dead webhook never
/// holds up the supervisor or a task. A delivery that fails after its retries is recorded on the alert.
/// </summary>
internal sealed class AlertDelivery : IDisposable
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(TaskCatalog.Json) { WriteIndented = false };

    private readonly AlertLog _log;
    private readonly OmsHome _home;
    private readonly Action<string> _trace;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<Task> _pending = [];

    public AlertDelivery(AlertLog log, OmsHome home, Action<string> trace)
    {
        _log = log;
        _home = home;
        _trace = trace;
    }

    /// <summary>True while a delivery is still being tried.</summary>
    public bool Busy
    {
        get
        {
            lock (_pending)
            {
                _pending.RemoveAll(t => t.IsCompleted);
                return _pending.Count > 0;
            }
        }
    }

    public void Send(AlertRecord alert, AlertRule rule)
    {
        var body = JsonSerializer.Serialize(new { alert.Id, alert.Task, Kind = alert.Kind.ToString(), Direction = alert.Direction?.ToString(), alert.Started, alert.Cleared,
            Status = alert.Cleared is null ? "Started" : "Cleared", alert.Message }, Json);
        if (rule.Webhook is not null) Start(() => PostAsync(alert, AlertWebhook.Url(rule, _home), rule.WebhookHost, body));
        if (rule.Command is { } command) Start(() => RunAsync(alert, command, body));
    }

    /// <summary>Waits (at most <paramref name="limit"/>) for the deliveries under way, before the process leaves.</summary>
    public void Drain(TimeSpan limit)
    {
        Task[] pending;
        lock (_pending) pending = _pending.ToArray();
        Task.WaitAll(pending, limit);
    }

    private void Start(Func<Task> delivery)
    {
        lock (_pending) _pending.Add(Task.Run(delivery));
    }

    private async Task PostAsync(AlertRecord alert, string url, string? host, string body)
    {
        string? error = null;
        for (var attempt = 0; attempt <= Backoff.Length; attempt++)
        {
            if (attempt > 0) await Task.Delay(Backoff[attempt - 1]).ConfigureAwait(false);
            try
            {
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync(url, content).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    _log.Delivery(alert.Id, null);
                    return;
                }
                error = $"the webhook at {host} answered {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The message of an unreachable address names host and port, not the path that may carry a token.
                error = $"the webhook at {host} could not be reached: {(e is TaskCanceledException ? "no answer within 5 s" : e.Message)}";
            }
        }
        _log.Delivery(alert.Id, $"{DateTimeOffset.UtcNow:O}: {error} ({Backoff.Length + 1} attempts)");
        _trace($"alert {alert.Id} of '{alert.Task}' not delivered: {error}");
    }

    private async Task RunAsync(AlertRecord alert, string command, string body)
    {
        string? error = null;
        Process? process = null;
        try
        {
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", command } }
                : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
            start.Environment["OMSSYNC_ALERT"] = body;
            start.RedirectStandardOutput = start.RedirectStandardError = true;
            process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(CommandTimeout);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(output, errors).ConfigureAwait(false);
            if (process.ExitCode != 0)
                error = $"the alert command exited with {process.ExitCode}: {(await errors).Trim()}";
        }
        catch (OperationCanceledException)
        {
            process?.Kill(entireProcessTree: true);
            error = $"the alert command did not end within {CommandTimeout.TotalSeconds:0} s and was ended";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            error = $"the alert command could not be started: {e.Message}";
        }
        finally
        {
            process?.Dispose();
        }
        _log.Delivery(alert.Id, error is null ? null : $"{DateTimeOffset.UtcNow:O}: {error}");
        if (error is not null) _trace($"alert {alert.Id} of '{alert.Task}': {error}");
    }

    public void Dispose() => _http.Dispose();
}
