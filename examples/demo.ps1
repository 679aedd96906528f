<#
.SYNOPSIS
    OmsSync in five steps: register two MariaDB servers, define a task, pre-check it,
    migrate schema and data in a background worker, and look at the result.
.EXAMPLE
    ./build.sh demo
.EXAMPLE
    omssync -File examples/demo.ps1 -Source 127.0.0.1:3306 -Target 127.0.0.1:3307 -User oms -Password secret
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
    -MigrationType Schema, Full -IndexMigration AfterFull -Label demo | Out-Default

'== 3. Pre-check: connectivity, privileges, rules, filters, target tables'
Test-OmsTask -Name demo-shop | Out-Default

'== 4. Migrate in a background worker and wait for it'
Start-OmsForward -Name demo-shop -Wait | Out-Default

'== 5. The result, table by table'
(Get-OmsTask -Name demo-shop).Tables | Out-Default
