BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    function Get-ErrorId($Records) { @($Records | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }

    # A webhook on loopback, in a runspace of its own: every POST's JSON body lands in $Hook.Received.
    function Start-TestWebhook {
        $port = [int] (& (Join-Path $PSScriptRoot '../../scripts/servers.sh') free-port)
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $received = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($listener, $received)
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { break }
                $reader = [IO.StreamReader]::new($context.Request.InputStream)
                $null = $received.Add(($reader.ReadToEnd() | ConvertFrom-Json))
                $context.Response.StatusCode = 200
                $context.Response.Close()
            }
        }).AddArgument($listener).AddArgument($received)
        $handle = $ps.BeginInvoke()
        [pscustomobject]@{ Url = "http://127.0.0.1:$port/alerts?token=s3cret"; Received = $received; Listener = $listener; PowerShell = $ps; Handle = $handle }
    }
    function Stop-TestWebhook($Hook) { $Hook.Listener.Stop(); $Hook.Listener.Close(); $Hook.PowerShell.Dispose() }
    # The webhook's notifications of one kind, as 'Started' / 'Cleared' in order.
    function Get-Notified($Hook, [string] $Kind) { @($Hook.Received | Where-Object Kind -eq $Kind | ForEach-Object Status) }
    function Wait-Alert([string] $Task, [string] $Kind, [switch] $Cleared, [int] $Seconds = 60) {
        Wait-TestCondition -What "a $(if ($Cleared) { 'cleared' } else { 'started' }) $Kind alert of $Task" -Seconds $Seconds -Condition {
            @(Get-OmsAlert $Task -Kind $Kind | Where-Object { $Cleared -eq [bool] $_.Cleared }).Count -gt 0 }
    }
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Set-OmsAlert' {
    Test-CmdletContract Set-OmsAlert -Parameters Name, Kind, Threshold, ForSeconds, Webhook, Command, Remove, PassThru -Sets Set, Remove `
        -Mandatory ':Kind', ':Name', 'Remove:Remove' -ByPropertyName Name -ConfirmImpact Low

    Context 'rules' -Tag Integration {
        BeforeAll { $t = New-TestTask }
        AfterAll { Remove-TestTask $t }

        It 'refuses <Case> with <ErrorId> and changes nothing' -ForEach @(
            @{ Case = 'a lag alert without a threshold'; Options = @{ Kind = 'Lag' }; ErrorId = 'InvalidAlertThreshold' }
            @{ Case = 'a threshold for a kind without one'; Options = @{ Kind = 'TaskFailed'; Threshold = 3 }; ErrorId = 'InvalidAlertThreshold' }
            @{ Case = 'a negative duration'; Options = @{ Kind = 'Lag'; Threshold = 3; ForSeconds = -1 }; ErrorId = 'InvalidAlertForSeconds' }
            @{ Case = 'a webhook that is not http'; Options = @{ Kind = 'TaskFailed'; Webhook = 'ftp://x/y' }; ErrorId = 'InvalidWebhook' }
            @{ Case = 'removing a rule the task lacks'; Options = @{ Kind = 'Conflicts'; Remove = $true }; ErrorId = 'AlertRuleNotFound' }
        ) {
            Set-OmsAlert $t.Task @Options -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            Get-ErrorId $e | Should -Be $ErrorId
            (Get-OmsTask $t.Task).AlertRules | Should -BeNullOrEmpty
        }
        It 'keeps one rule per kind, the webhook encrypted and shown by its host only, and removes a rule' {
            Set-OmsAlert $t.Task -Kind Lag -Threshold 30 -ForSeconds 60 -Webhook 'https://hooks.example.com/oms?token=s3cret' -Confirm:$false
            Set-OmsAlert $t.Task -Kind Lag -Threshold 10 -Webhook 'https://hooks.example.com/oms?token=s3cret' -Confirm:$false
            Set-OmsAlert $t.Task -Kind TaskFailed -Command 'true' -Confirm:$false
            $rules = (Get-OmsTask $t.Task).AlertRules
            @($rules.Kind) | Should -Be 'Lag', 'TaskFailed'
            $rules[0].Threshold | Should -Be 10
            $rules[0].WebhookHost | Should -Be 'https://hooks.example.com'
            foreach ($file in Get-ChildItem $stateHome -Filter 'state.db*') {
                [Text.Encoding]::UTF8.GetString([IO.File]::ReadAllBytes($file.FullName)) | Should -Not -Match 's3cret' -Because $file.Name
            }
            (Export-OmsTask $t.Task) | Should -Not -Match 'hooks.example.com'
            Set-OmsAlert $t.Task -Kind Lag -Remove -Confirm:$false
            @((Get-OmsTask $t.Task).AlertRules.Kind) | Should -Be 'TaskFailed'
            Set-OmsAlert $t.Task -Kind TaskFailed -Remove -Confirm:$false
        }
    }

    Context 'alerts fired, cleared and delivered' -Tag Integration {
        BeforeAll {
            $hook = Start-TestWebhook
            $deadPort = [int] (& (Join-Path $PSScriptRoot '../../scripts/servers.sh') free-port)
            $db = New-TestDatabaseName alert
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO ``$db``.t VALUES (1, 1)"
        }
        AfterAll { Stop-TestWebhook $hook; Remove-TestDatabase $db }

        It 'alerts when a task fails and clears when it runs again' {
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ AutoRestart = $false }
            try {
                Set-OmsAlert $t.Task -Kind TaskFailed -Webhook $hook.Url -Confirm:$false
                # A refused password fails the task (a server that does not answer would be retried instead).
                Set-OmsDataSource $t.Target -Credential (New-TestCredential -Password 'not-the-password') -Confirm:$false
                $null = Start-OmsForward $t.Task -SkipPreCheck -Confirm:$false
                Wait-Alert $t.Task TaskFailed
                Set-OmsDataSource $t.Target -Credential (New-TestCredential) -Confirm:$false
                Resume-OmsTask $t.Task -Confirm:$false
                Wait-TestTaskPhase $t.Task
                Wait-Alert $t.Task TaskFailed -Cleared
                Wait-TestCondition -What 'both notifications' -Condition { (Get-Notified $hook TaskFailed).Count -eq 2 }
                Get-Notified $hook TaskFailed | Should -Be 'Started', 'Cleared'
                $alert = Get-OmsAlert $t.Task -Kind TaskFailed
                $alert.Message | Should -BeLike "*Task '$($t.Task)' (Forward) failed*"
                $alert.Delivered | Should -Be 2
            } finally { Remove-TestTask $t; Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``${db}_t``" }
        }
        It 'alerts on a DDL pause, conflicts, lag, a worker restart and verification differences, each cleared, a dead webhook stalling nothing' {
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Wait-TestTaskPhase $t.Task
                foreach ($kind in 'DdlPaused', 'Conflicts', 'VerificationDifferences') { Set-OmsAlert $t.Task -Kind $kind -Webhook $hook.Url -Confirm:$false }
                Set-OmsAlert $t.Task -Kind Lag -Threshold 2 -ForSeconds 2 -Webhook $hook.Url -Confirm:$false
                Set-OmsAlert $t.Task -Kind WorkerRestarted -Webhook "http://127.0.0.1:$deadPort/nobody" -Confirm:$false

                # Conflicts: the target holds the key the source inserts (its clearing comes a minute later, checked at the end).
                Invoke-TestSql MariaDbB "INSERT INTO ``$($t.TargetDatabase)``.t VALUES (2, 20)"
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t VALUES (2, 2)"
                Wait-Alert $t.Task Conflicts

                # A DDL the task does not synchronize pauses it; skipping it clears the alert.
                Invoke-TestSql MariaDbA "ALTER TABLE ``$db``.t ADD COLUMN note VARCHAR(10)"
                Wait-Alert $t.Task DdlPaused
                Invoke-TestSql MariaDbB "ALTER TABLE ``$($t.TargetDatabase)``.t ADD COLUMN note VARCHAR(10)"
                Skip-OmsDdl $t.Task -Confirm:$false
                Wait-Alert $t.Task DdlPaused -Cleared

                # Lag: a backlog applied at 20 rows a second falls behind; lifting the limit catches up.
                Wait-TestTaskPhase $t.Task
                Set-OmsTask $t.Task -RowsPerSecond 20 -Confirm:$false
                Start-Sleep -Seconds 2 # the worker takes up a new limit within a second
                Invoke-TestSql MariaDbA ((3..400 | ForEach-Object { "INSERT INTO ``$db``.t (id, v) VALUES ($_, $_);" }) -join '')
                Wait-Alert $t.Task Lag
                Set-OmsTask $t.Task -RowsPerSecond 0 -Confirm:$false
                Wait-Alert $t.Task Lag -Cleared

                # A killed worker is restarted: the alert starts and clears; its webhook is dead, and the task flows on.
                Stop-Process -Id (Get-OmsTask $t.Task).WorkerPid -Force
                Wait-Alert $t.Task WorkerRestarted -Cleared
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t (id, v) VALUES (1000, 1000)"
                Wait-TestCondition -What 'a row applied after the restart' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t WHERE id = 1000" -Scalar) -eq 1 }

                # Verification differences, cleared by the repair.
                Invoke-TestSql MariaDbB "UPDATE ``$($t.TargetDatabase)``.t SET v = -1 WHERE id = 7"
                $null = Start-OmsVerification $t.Task -Wait -Confirm:$false
                Wait-Alert $t.Task VerificationDifferences
                Get-OmsVerificationResult $t.Task -Detail | Repair-OmsDifference -Confirm:$false
                Wait-Alert $t.Task VerificationDifferences -Cleared

                Wait-Alert $t.Task Conflicts -Cleared -Seconds 90
                foreach ($kind in 'DdlPaused', 'Conflicts', 'Lag', 'VerificationDifferences') {
                    Wait-TestCondition -What "both $kind notifications" -Condition { (Get-Notified $hook $kind).Count -eq 2 }
                    Get-Notified $hook $kind | Should -Be 'Started', 'Cleared' -Because $kind
                }
                Get-Notified $hook WorkerRestarted | Should -BeNullOrEmpty
                Wait-TestCondition -What 'the failed delivery recorded' -Seconds 60 -Condition { (Get-OmsAlert $t.Task -Kind WorkerRestarted).DeliveryError }
                (Get-OmsAlert $t.Task -Kind WorkerRestarted).DeliveryError | Should -BeLike "*http://127.0.0.1:$deadPort could not be reached*"
                (Get-OmsAlert $t.Task -Kind WorkerRestarted).DeliveryError | Should -Not -BeLike '*nobody*'
                @(Get-OmsAlert $t.Task -Active) | Should -BeNullOrEmpty
            } finally { Remove-TestTask $t; Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``${db}_t``" }
        }
    }
}
