BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsTask' {
    Test-CmdletContract Get-OmsTask -Parameters Name, Label -ByValue Name -ByPropertyName Name

    Context 'reading' -Tag Integration {
        BeforeAll {
            $prod = New-TestTask -Options @{ Label = 'prod' }
            $test = New-TestTask -Options @{ Label = 'test' }
        }
        AfterAll { Remove-TestTask $prod; Remove-TestTask $test }

        It 'shows one object per direction that has run, Forward first' {
            $tasks = Get-OmsTask $prod.Task
            @($tasks).Count | Should -Be 1
            "$($tasks.Direction)" | Should -Be 'Forward'
            $tasks.Source | Should -Be $prod.Source
            $tasks.PSObject.TypeNames[0] | Should -Be 'OmsSync.PowerShell.Output.OmsTask'
        }
        It 'filters by label with wildcards' {
            (Get-OmsTask -Label 'pro*').Name | Should -Contain $prod.Task
            (Get-OmsTask -Label 'pro*').Name | Should -Not -Contain $test.Task
        }
        It 'reports TaskNotFound for each missing name and goes on' {
            $found = Get-OmsTask 'no-such-task', $test.Task -ErrorVariable e -ErrorAction SilentlyContinue
            $found.Name | Should -Be $test.Task
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $e[0].TargetObject | Should -Be 'no-such-task'
        }
    }

    Context 'progress of a migration' -Tag Integration {
        BeforeAll {
            $db = New-TestSourceDatabase gett 2000
            $t = New-TestTask -Database $db
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'shows per-table progress once the copy is done' {
            $task = Get-OmsTask $t.Task
            "$($task.Status)" | Should -Be 'Completed'
            $task.Tables | Should -HaveCount 1
            $table = $task.Tables[0]
            $table.SourceTable | Should -Be "$db.items"
            $table.TargetTable | Should -Be "$($t.TargetDatabase).items"
            $table.RowsCopied | Should -Be 2000
            $table.Percent | Should -Be 100
        }
    }

    Context 'a source that restarts under a running task' -Tag Integration {
        BeforeEach {
            # A source of the test's own: it is restarted.
            $serverName = New-TestName src
            $t = $null
        }
        AfterEach {
            Remove-TestTask $t
            if ($t) { Remove-TestDatabase $t.Database }
            Stop-TestMariaDb $serverName
        }

        It 'shows the position of an idle task moving again once its heartbeat beats again after the source restarts' {
            $ownServer = Start-TestMariaDb $serverName 711
            $t = New-TestIncrementalTask -SourceAddress $ownServer
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            $key = (Get-TestStoredTask $t.Task).OmsKey
            $null = Restart-TestMariaDb $serverName
            $restarted = Invoke-TestSql $ownServer 'SELECT CAST(UTC_TIMESTAMP(6) AS CHAR)' -Scalar
            Wait-TestCondition -What 'a heartbeat written after the source restarted' -Seconds 40 -Condition {
                (Invoke-TestSql $ownServer "SELECT COUNT(*) FROM oms.heartbeat WHERE task = '$key' AND beat > '$restarted'" -Scalar) -eq 1 }
            # The idle task's position keeps moving with it.
            $position = (Get-OmsTask $t.Task).Position
            $null = Wait-TestTaskState $t.Task -What 'the position to move' -Seconds 30 -Condition { param($state) $state.Position -ne $position }
            $log = Get-TestWorkerLog $t.Task
            [regex]::Matches($log, [regex]::Escape("source heartbeat on data source '$($t.Source)' stopped")).Count | Should -Be 1
            $log | Should -Match ([regex]::Escape("source heartbeat on data source '$($t.Source)' beats again"))
        }
        It 'stops saying Reconnecting once changes apply again, and waits for each outage from the first pause, naming the source' {
            $ownServer = Start-TestMariaDb $serverName 712
            $t = New-TestIncrementalTask -SourceAddress $ownServer
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            foreach ($outage in 1, 2) {
                $logBefore = (Get-TestWorkerLog $t.Task).Length
                $null = Restart-TestMariaDb $serverName
                Invoke-TestSql $ownServer "INSERT INTO ``$($t.Database)``.t VALUES ($($outage + 1), $outage)"
                Wait-TestCondition -What "the row written after restart $outage" -Seconds 60 -Condition {
                    (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq $outage + 1 }
                # Applying again ends the notice: Get-OmsTask no longer says it is reconnecting.
                $state = Wait-TestTaskState $t.Task -What 'the reconnect notice to go' -Seconds 15 -Condition { param($state) "$($state.Message)" -notlike 'Reconnecting*' }
                "$($state.Status)" | Should -Be 'Running'
                $lost = @((Get-TestWorkerLog $t.Task).Substring($logBefore) -split "`n" | Where-Object { $_ -match 'connection lost' })
                $lost | Should -Not -BeNullOrEmpty -Because "restart $outage loses the worker's connections"
                # Each outage is waited for from the first pause, however long the one before took; and it names the source.
                $lost[0] | Should -Match 'retrying from the checkpoint in 1 s'
                $lost | Where-Object { $_ -notmatch [regex]::Escape("data source '$($t.Source)'") } | Should -BeNullOrEmpty -Because ($lost -join "`n")
            }
        }
    }
}
