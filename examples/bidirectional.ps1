<#
.SYNOPSIS
    Bidirectional synchronization: a forward and a reverse direction between two MariaDB servers,
    writes on both sides, a provoked conflict and a pipeline over the conflict log.
.EXAMPLE
    ./build.sh demo
.EXAMPLE
    bin/pwsh -File examples/bidirectional.ps1 -Source 127.0.0.1:3306 -Target 127.0.0.1:3307
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
function Invoke-Sql([hashtable] $endpoint, [string] $sql) {
    $builder = [MySqlConnector.MySqlConnectionStringBuilder]::new()
    $builder.Server = $endpoint.Server; $builder.Port = $endpoint.Port
    $builder.UserID = $User; $builder.Password = $Password
    $connection = [MySqlConnector.MySqlConnection]::new($builder.ConnectionString)
    $connection.Open()
    try { [MySqlConnector.MySqlCommand]::new($sql, $connection).ExecuteScalar() } finally { $connection.Dispose() }
}
function Wait-Until([scriptblock] $condition, [string] $what) {
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (& $condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for $what." }
        Start-Sleep -Milliseconds 250
    }
}
$a = Split-Endpoint $Source
$b = Split-Endpoint $Target

'== 1. Two data sources and a bidirectional task: shop on A kept in step with shop_peer on B'
$null = New-OmsDataSource -Name peer-a -Type MariaDb @a -Credential $credential
$null = New-OmsDataSource -Name peer-b -Type MariaDb @b -Credential $credential
New-OmsTask -Name shop-sync -Source peer-a -Target peer-b -Include 'shop.customers', 'shop.products' `
    -Rename @{ shop = 'shop_peer' } -MigrationType Schema, Full, Incremental -Topology Bidirectional `
    -ConflictPolicy Ignore | Out-Default
Test-OmsTask -Name shop-sync | Where-Object Status -ne 'Pass' | Out-Default

'== 2. Forward: schema, full copy, then incremental; once incremental, the reverse direction starts'
Start-OmsForward -Name shop-sync -Wait | Out-Null
Enable-OmsReverse -Name shop-sync
Wait-Until { (Get-OmsTask shop-sync | Where-Object { $_.Direction -eq 'Reverse' -and $_.Phase -eq 'Incremental' }) } 'the reverse direction'
Get-OmsTask -Name shop-sync | Out-Default

'== 3. A write on each side crosses to the other, once'
Invoke-Sql $a "INSERT INTO shop.customers (email, name, country) VALUES ('ada@example.com', 'Ada from A', 'GB')" | Out-Null
Invoke-Sql $b "UPDATE shop_peer.products SET price = price + 1 WHERE sku = (SELECT MIN(sku) FROM shop_peer.products)" | Out-Null
Wait-Until { Invoke-Sql $b "SELECT name FROM shop_peer.customers WHERE email = 'ada@example.com'" } 'the customer on B'
$sku = Invoke-Sql $a "SELECT MIN(sku) FROM shop.products"
Wait-Until { (Invoke-Sql $a "SELECT price FROM shop.products WHERE sku = '$sku'") -eq (Invoke-Sql $b "SELECT price FROM shop_peer.products WHERE sku = '$sku'") } 'the price on A'
"customer written on A, read on B: $(Invoke-Sql $b "SELECT name FROM shop_peer.customers WHERE email = 'ada@example.com'")"
"price of $sku changed on B, read on A: $(Invoke-Sql $a "SELECT price FROM shop.products WHERE sku = '$sku'")"

'== 4. A conflict: both directions stopped, the same new product written on both sides, then resumed'
Stop-OmsTask -Name shop-sync
Invoke-Sql $a "INSERT INTO shop.products (sku, title, price) VALUES ('DUEL-1', 'written on A', 10.00)" | Out-Null
Invoke-Sql $b "INSERT INTO shop_peer.products (sku, title, price) VALUES ('DUEL-1', 'written on B', 20.00)" | Out-Null
Resume-OmsTask -Name shop-sync
Wait-Until { @(Get-OmsConflict -Name shop-sync).Count -ge 2 } 'the conflicts'
Get-OmsConflict -Name shop-sync | Format-Table Direction, Table, Type, Policy, Outcome, Key | Out-Default

'== 5. Work through the conflict log in a pipeline: the forward direction''s source row wins on both sides'
Get-OmsConflict -Name shop-sync -Direction Forward -Unresolved | Where-Object Type -eq 'InsertExists' |
    Resolve-OmsConflict -Action ApplySource -PassThru | Format-Table Id, Table, Type, Resolution | Out-Default
Get-OmsConflict -Name shop-sync -Direction Reverse -Unresolved | Resolve-OmsConflict -Action KeepTarget
"DUEL-1 on A: $(Invoke-Sql $a "SELECT title FROM shop.products WHERE sku = 'DUEL-1'")"
"DUEL-1 on B: $(Invoke-Sql $b "SELECT title FROM shop_peer.products WHERE sku = 'DUEL-1'")"
$export = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'shop-sync-conflicts.csv')
$file = Export-OmsConflict -Name shop-sync -Path $export
"conflict log exported to $($file.FullName) ($($file.Length) bytes)"

'== 6. From now on the newer row wins, judged by a timestamp column; the workers pick it up while running'
Set-OmsConflictPolicy -Name shop-sync -Policy NewerWins -Table 'shop.customers' -TimestampColumn created_at -PassThru | Out-Default

'== 7. Stop both directions'
Stop-OmsTask -Name shop-sync -PassThru | Out-Default
