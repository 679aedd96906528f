<#
.SYNOPSIS
    OmsSync in a few steps: register two MariaDB servers, define a task, pre-check it,
    migrate schema and data in a background worker, follow changes, and verify the result.
.EXAMPLE
    ./build.sh demo
.EXAMPLE
    bin/pwsh -File examples/demo.ps1 -Source 127.0.0.1:3306 -Target 127.0.0.1:3307
#>
param(
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $Target,
    [string] $User = 'oms',
    [string] $Password = 'oms-test-pw'
)
$ErrorActionPreference = 'Stop'
$credential = [pscredential]::new($User, [Net.NetworkCredential]::new('', $Password).SecurePassword)

function Split-Endpoint([string] $endpoint) {
    $host_, $port = $endpoint.Split(':')
    @{ Server = $host_; Port = [int] $port }
}

'== 1. Register the data sources (the password is stored encrypted)'
$src = Split-Endpoint $Source
$dst = Split-Endpoint $Target
New-OmsDataSource -Name demo-source -Type MariaDb @src -Credential $credential | Out-Default
New-OmsDataSource -Name demo-target -Type MariaDb @dst -Credential $credential | Out-Default
Test-OmsDataSource -Name demo-source -Role IncrementalSource | Out-Default

'== 2. Define a task: every table of shop, renamed to shop_copy; no cancelled orders; no note column'
New-OmsTask -Name demo-shop -Source demo-source -Target demo-target -Include 'shop.*' `
    -Rename @{ shop = 'shop_copy' } `
    -RowFilter @{ 'shop.orders' = "status <> 'cancelled'" } `
    -Column @{ 'shop.orders' = 'id', 'customer_id', 'status', 'total', 'placed_at' } `
    -MigrationType Schema, Full, Incremental -IndexMigration AfterFull -Label demo | Out-Default

'== 3. Pre-check: connectivity, privileges, rules, filters, target tables'
Test-OmsTask -Name demo-shop | Out-Default

'== 4. Migrate in a background worker; -Wait returns once the copy is done and incremental sync runs'
Start-OmsForward -Name demo-shop -Wait | Out-Default

'== 5. The result, table by table'
(Get-OmsTask -Name demo-shop).Tables | Out-Default

'== 6. A change on the source arrives on the target through the binlog'
function Invoke-Sql([hashtable] $endpoint, [string] $sql) {
    $builder = [MySqlConnector.MySqlConnectionStringBuilder]::new()
    $builder.Server = $endpoint.Server; $builder.Port = $endpoint.Port
    $builder.UserID = $User; $builder.Password = $Password
    $connection = [MySqlConnector.MySqlConnection]::new($builder.ConnectionString)
    $connection.Open()
    try { [MySqlConnector.MySqlCommand]::new($sql, $connection).ExecuteScalar() } finally { $connection.Dispose() }
}
Invoke-Sql $src "INSERT INTO shop.customers (email, name, country) VALUES ('gia@example.com', 'Gia Rossi', 'IT')" | Out-Null
Invoke-Sql $src "UPDATE shop.orders SET status = 'shipped' WHERE id = 1" | Out-Null
$deadline = [DateTime]::UtcNow.AddSeconds(30)
do {
    Start-Sleep -Milliseconds 200
    $arrived = Invoke-Sql $dst "SELECT name FROM shop_copy.customers WHERE email = 'gia@example.com'"
} until ($arrived -or [DateTime]::UtcNow -gt $deadline)
"new customer on the target: $arrived"
"order 1 on the target is now: $(Invoke-Sql $dst 'SELECT status FROM shop_copy.orders WHERE id = 1')"
Get-OmsTask -Name demo-shop | Out-Default

'== 7. Verify: every row compared on both sides, with the renames, row filter and column selection applied'
$verified = Start-OmsVerification -Name demo-shop -Wait
$verified | Out-Default
$differences = 0
foreach ($table in $verified) { $differences += $table.Differences }
"differences found: $differences"

'== 8. Stop the task (it could be resumed from its checkpoint with Resume-OmsTask)'
Stop-OmsTask -Name demo-shop -PassThru | Out-Default
