using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Operations;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.Tasks;

namespace OmsSync.Engine.DataSources;

/// <summary>Registering, changing, removing and testing data sources, with the rules their names and credentials follow.</summary>
public sealed class DataSourceService
{
    private readonly OmsService _service;

    public DataSourceService(OmsService service) => _service = service;

    /// <summary>
    /// Checks a new data source (its name, its user) and plans registering it; the port defaults to the type's. A Kafka
    /// data source takes <paramref name="kafka"/> and needs a user only for SASL.
    /// </summary>
    public PlannedOperation<DataSource> PlanRegister(string name, DataSourceKind kind, string server, int? port, string? user, string password, string? database,
        KafkaSecurity? kafka = null)
    {
        if (CheckName(name) is { } invalid) throw invalid;
        if (kafka is not null && kind != DataSourceKind.Kafka)
            throw KafkaOptionWithoutKafka(name, kind);
        var source = new DataSource
        {
            Name = name,
            Kind = kind,
            Server = server.Trim(),
            Port = port ?? kind.DefaultPort(),
            User = kind == DataSourceKind.Kafka && kafka?.UsesSasl != true ? (user ?? "").TrimStart('\\') : CheckUser(name, user),
            Database = string.IsNullOrWhiteSpace(database) ? null : database,
            Kafka = kind == DataSourceKind.Kafka ? kafka ?? new KafkaSecurity() : null,
        };
        return new PlannedOperation<DataSource>($"{name} ({kind} {source.User}@{source.Endpoint})", "Register data source", (_, _) =>
        {
            _service.DataSources.Add(source, password);
            return Task.FromResult(_service.DataSources.Get(name));
        });
    }

    /// <summary>Plans changing a data source; null when nothing would change. Tasks running on it keep the old settings until restarted.</summary>
    public PlannedOperation<DataSource>? PlanChange(string name, DataSourceChange change)
    {
        var current = _service.DataSources.Get(name);
        var kind = change.Kind ?? current.Kind;
        if (change.ChangesKafka && kind != DataSourceKind.Kafka)
            throw KafkaOptionWithoutKafka(current.Name, kind);
        var kafka = kind != DataSourceKind.Kafka ? null : (current.Kafka ?? new KafkaSecurity()) with
        {
            Protocol = change.SecurityProtocol ?? current.Kafka?.Protocol ?? KafkaProtocol.Plaintext,
            SaslMechanism = change.SaslMechanism ?? current.Kafka?.SaslMechanism ?? KafkaSaslMechanism.Plain,
            CaCertificate = change.CaCertificateGiven ? (string.IsNullOrWhiteSpace(change.CaCertificate) ? null : change.CaCertificate) : current.Kafka?.CaCertificate,
        };
        var user = change.User is null && change.Password is null ? current.User
            : kind == DataSourceKind.Kafka && kafka?.UsesSasl != true ? (change.User ?? "").TrimStart('\\') : CheckUser(current.Name, change.User);
        // A Kafka listener that wants SASL needs the user it presents.
        if (kafka?.UsesSasl == true) CheckUser(current.Name, user);
        var changed = current with
        {
            Kind = kind,
            Server = change.Server?.Trim() ?? current.Server,
            Port = change.Port ?? current.Port,
            User = user,
            Database = change.DatabaseGiven ? (string.IsNullOrWhiteSpace(change.Database) ? null : change.Database) : current.Database,
            Kafka = kafka,
        };
        var what = new List<string>();
        if (changed.Kind != current.Kind) what.Add($"type {current.Kind} -> {changed.Kind}");
        if (changed.Endpoint != current.Endpoint) what.Add($"endpoint {current.Endpoint} -> {changed.Endpoint}");
        if (changed.User != current.User) what.Add($"user {current.User} -> {changed.User}");
        if (changed.Database != current.Database) what.Add($"database '{current.Database}' -> '{changed.Database}'");
        if (change.Password is not null) what.Add("password");
        if (changed.Kafka?.Protocol != current.Kafka?.Protocol) what.Add($"security protocol {current.Kafka?.Protocol} -> {changed.Kafka?.Protocol}");
        if (changed.Kafka?.SaslMechanism != current.Kafka?.SaslMechanism) what.Add($"SASL mechanism {current.Kafka?.SaslMechanism} -> {changed.Kafka?.SaslMechanism}");
        if (changed.Kafka?.CaCertificate != current.Kafka?.CaCertificate) what.Add($"CA certificate '{current.Kafka?.CaCertificate}' -> '{changed.Kafka?.CaCertificate}'");
        if (what.Count == 0) return null;
        return new PlannedOperation<DataSource>(current.Name, $"Change data source ({string.Join(", ", what)})", (notes, _) =>
        {
            _service.DataSources.Update(changed, change.Password);
            var tasks = new TaskService(_service);
            var running = _service.Tasks.List()
                .Where(t => (t.Source == current.Name || t.Target == current.Name) && tasks.IsRunning(t.Name))
                .Select(t => $"'{t.Name}'").ToList();
            if (running.Count > 0)
                notes.Warn($"Task(s) {string.Join(", ", running)} run with the old settings of '{current.Name}' until restarted (Suspend-OmsTask, then Resume-OmsTask).");
            return Task.FromResult(_service.DataSources.Get(current.Name));
        });
    }

    /// <summary>Plans unregistering a data source; the catalog refuses while a task uses it.</summary>
    public PlannedOperation<bool> PlanRemove(string name)
    {
        var source = _service.DataSources.Get(name);
        return new PlannedOperation<bool>($"{source.Name} ({source.Kind} {source.User}@{source.Endpoint})", "Remove data source", (_, _) =>
        {
            _service.DataSources.Remove(source.Name);
            return Task.FromResult(true);
        });
    }

    /// <summary>
    /// Connects once, then checks the server for the roles. A refused connection is a failed Connectivity check
    /// and, as <paramref name="refused"/>, an error with a stable id (AuthenticationFailed, ConnectionFailed).
    /// </summary>
    public async Task<(IReadOnlyList<CheckResult> Checks, OmsException? Refused)> TestAsync(string name, DataSourceRole role, CancellationToken cancellationToken)
    {
        var source = _service.DataSources.Get(name);
        try
        {
            await _service.ConnectAsync(source.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException refused)
        {
            return ([CheckResult.Fail("Connectivity", refused.Message, source.Name)], refused);
        }
        return (await _service.TestDataSourceAsync(source.Name, role, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>Null when the data source name is acceptable, else the problem naming the fix.</summary>
    public static OmsException? CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return Invalid("InvalidDataSourceName", name, "The data source name is empty. Give -Name a name such as 'shop-primary'.");
        if (TaskOptionReader.HasWildcard(name))
            return Invalid("InvalidDataSourceName", name,
                $"The data source name '{name}' contains a wildcard character (* ? [ ]); names may not, so that -Name patterns stay unambiguous. Choose a name without them.");
        if (name != name.Trim())
            return Invalid("InvalidDataSourceName", name, $"The data source name '{name}' starts or ends with white space. Remove it.");
        return null;
    }

    // A Windows-style credential may come as "\user"; the database user is what follows.
    private static string CheckUser(string source, string? user) =>
        string.IsNullOrWhiteSpace(user?.TrimStart('\\'))
            ? throw Invalid("InvalidCredential", source, "The credential has no user name. Pass -Credential (Get-Credential oms) or a PSCredential with the database user.")
            : user.TrimStart('\\');

    private static OmsException KafkaOptionWithoutKafka(string name, DataSourceKind kind) =>
        Invalid("KafkaOptionWithoutKafka", name, $"-SecurityProtocol, -SaslMechanism and -CaCertificate say how Kafka is reached, but '{name}' is {kind}. Leave them out, or give -Type Kafka.");

    private static OmsException Invalid(string errorId, string? target, string message) => new(errorId, OmsErrorKind.InvalidArgument, target, message);
}
