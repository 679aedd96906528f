using System.Text.Json;
using System.Text.Json.Serialization;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Tasks;

/// <summary>
/// A task's whole definition as a JSON file (Export-OmsTask, Import-OmsTask): objects, renames, row filters, columns,
/// phases, limits, conflict and alert rules and DDL options, with its data sources by name. No secret is in it: passwords
/// stay with the data sources, in each state home's own encrypted store, and alert webhooks are left out (set them
/// again with Set-OmsAlert). What belongs to one state home (the task's
/// incarnation id, its first name, when it was created) is left out, so an imported task starts afresh.
/// </summary>
public static class TaskDefinitionFile
{
    /// <summary>The format's name and version, the first property of every file.</summary>
    public const string Format = "OmsSync.Task/1";

    private static readonly JsonSerializerOptions Options = new(TaskCatalog.Json)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private sealed record Envelope(string Format, MigrationTask Task);

    /// <summary>Properties of a stored task that belong to its state home, not to its definition.</summary>
    private static readonly string[] HomeOnly = [nameof(MigrationTask.Id), nameof(MigrationTask.FirstName), nameof(MigrationTask.Created)];

    public static string Write(MigrationTask task)
    {
        // A webhook's address is a secret encrypted for this home alone: it is set again where the task is imported.
        task = task with { AlertRules = task.AlertRules.Select(r => r with { Webhook = null, WebhookHost = null }).ToList() };
        var definition = JsonSerializer.SerializeToNode(task, Options)!.AsObject();
        foreach (var name in HomeOnly) definition.Remove(name);
        return new System.Text.Json.Nodes.JsonObject { ["Format"] = Format, ["Task"] = definition }.ToJsonString(Options);
    }

    /// <param name="origin">Where the text came from (a path), for the error.</param>
    public static MigrationTask Read(string json, string origin)
    {
        OmsException Invalid(string why) => new("InvalidTaskFile", OmsErrorKind.InvalidArgument, origin,
            $"'{origin}' is not a task definition OmsSync can import: {why} Write one with Export-OmsTask.");
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(json, Options);
        }
        catch (JsonException e)
        {
            throw Invalid(e.Path is { Length: > 1 } at ? $"{e.Message.Split(" Path:")[0]} (at {at})." : e.Message);
        }
        if (envelope?.Format != Format)
            throw Invalid($"its Format is '{envelope?.Format}', not '{Format}'.");
        if (envelope.Task is null) throw Invalid("it holds no Task.");
        return envelope.Task;
    }
}
