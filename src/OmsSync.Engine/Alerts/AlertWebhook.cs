using OmsSync.Engine.Errors;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Alerts;

/// <summary>A webhook address as an alert rule keeps it: checked, encrypted for the state home, shown by its host only.</summary>
public static class AlertWebhook
{
    private const string Context = "alert-webhook";

    /// <summary>The rule with <paramref name="url"/> checked and stored encrypted.</summary>
    public static AlertRule With(AlertRule rule, string url, OmsHome home, string task)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new OmsException("InvalidWebhook", OmsErrorKind.InvalidArgument, task,
                $"-Webhook '{Shown(url)}' is not an http:// or https:// address. Give the full URL the alert is POSTed to, e.g. https://hooks.example.com/oms.");
        return rule with { Webhook = SecretProtector.ForHome(home).Protect(url, Context), WebhookHost = $"{uri.Scheme}://{uri.Authority}" };
    }

    public static string Url(AlertRule rule, OmsHome home) => SecretProtector.ForHome(home).Unprotect(rule.Webhook!, Context);

    // An address that is not one may still hold a token: show its start only.
    private static string Shown(string url) => url.Length > 24 ? url[..24] + "..." : url;
}
